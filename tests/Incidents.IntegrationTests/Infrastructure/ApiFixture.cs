using Incidents.Api.Configuration;
using JasperFx;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// One API host for the whole integration collection, on real PostgreSQL (a fresh test database) and real RabbitMQ,
/// plus a probe queue bound to the API's exchange. Tests keep their data apart by using their own incidents and
/// systems, so no reset is needed between them.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not started.");

    public BrokerProbe Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestServices.RecreateTestDatabaseAsync();
        Broker = await BrokerProbe.BindAsync(Messaging.IncidentEventsExchange);

        JasperFxEnvironment.AutoStartHost = true;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Marten", TestServices.TestDatabaseConnectionString);
            web.UseSetting("ConnectionStrings:RabbitMq", TestServices.RabbitMqUri);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });

        // Start the host now, so the first test does not pay for it inside its own timeouts.
        using var client = _factory.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public IncidentsClient Client(string actorId = "desk-01", string actorName = "Li Na") =>
        new(Factory.CreateClient(), actorId, actorName);

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
