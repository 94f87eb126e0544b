using Incidents.Telemetry.Edges;
using RabbitMQ.Client;

namespace Incidents.Api.Configuration;

/// <summary>One shared RabbitMQ connection for the readiness check; re-created when it is lost (amqps honoured, <see cref="BrokerAddress"/>).</summary>
public sealed class BrokerConnection(IConfiguration configuration, IHostEnvironment environment) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<IConnection> GetAsync()
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync();
        try
        {
            if (_connection is { IsOpen: true } raced)
            {
                return raced;
            }

            var factory = new ConnectionFactory
            {
                Uri = BrokerAddress.Parse(configuration[BrokerAddress.Setting], environment.EnvironmentName).ToUri(),
                ClientProvidedName = "incidents-api-health",
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            };
            _connection = await factory.CreateConnectionAsync();
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
