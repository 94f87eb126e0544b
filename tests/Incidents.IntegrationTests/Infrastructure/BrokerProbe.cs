using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>A message read off the broker: the MassTransit envelope's message type and its payload.</summary>
public sealed record BrokerMessage(string MessageType, JsonElement Message, IReadOnlyDictionary<string, object?> Headers);

/// <summary>
/// Listens like any other service would: a private queue bound to the API's exchange, read with RabbitMQ.Client, on the
/// tests' vhost unless told otherwise.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    private readonly ConcurrentQueue<BrokerMessage> _received = new();
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>A probe on both lanes the API announces on (pages and bulk, docs/dispatch.md).</summary>
    public static Task<BrokerProbe> BindAnnouncementsAsync(string? uri = null) =>
        BindAsync([Incidents.Contracts.Messaging.IncidentPagesExchange, Incidents.Contracts.Messaging.IncidentEventsExchange], uri);

    public static Task<BrokerProbe> BindAsync(string exchange, string? uri = null) => BindAsync([exchange], uri);

    public static async Task<BrokerProbe> BindAsync(string[] exchanges, string? uri = null)
    {
        var probe = new BrokerProbe();
        probe._connection = uri is null
            ? await TestServices.ConnectToBrokerAsync("incidents-tests-probe")
            : await new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "incidents-tests-probe" }.CreateConnectionAsync();
        probe._channel = await probe._connection.CreateChannelAsync();
        var queue = await probe._channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in exchanges)
        {
            await probe._channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await probe._channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        }

        var consumer = new AsyncEventingBasicConsumer(probe._channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            probe._received.Enqueue(Parse(delivery));
            return Task.CompletedTask;
        };
        await probe._channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return probe;
    }

    /// <summary>Waits until messages for an incident satisfy the condition, or fails after the timeout.</summary>
    public async Task<IReadOnlyList<BrokerMessage>> WaitForAsync(Guid incidentId, Func<IReadOnlyList<BrokerMessage>, bool> until,
        TimeSpan? timeout = null, string idProperty = "incidentId")
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var mine = For(incidentId, idProperty);
            if (until(mine))
            {
                return mine;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Broker messages for {incidentId} did not arrive in time; got: {string.Join(", ", mine.Select(m => m.MessageType))}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<BrokerMessage> Received => _received.ToList();

    /// <summary>The messages about this subject: an incident (<c>incidentId</c>) unless another id property is named.</summary>
    public IReadOnlyList<BrokerMessage> For(Guid incidentId, string idProperty = "incidentId") => _received
        .Where(m => m.Message.TryGetProperty(idProperty, out var id) && id.GetString() == incidentId.ToString())
        .ToList();

    private static BrokerMessage Parse(BasicDeliverEventArgs delivery)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span));
        var root = document.RootElement.Clone();
        var type = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array
            ? types[0].GetString() ?? ""
            : delivery.BasicProperties.Type ?? "";
        var message = root.TryGetProperty("message", out var inner) ? inner : root;
        var headers = (delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value);
        return new BrokerMessage(type, message, headers);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
