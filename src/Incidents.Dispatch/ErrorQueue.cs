using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Incidents.Dispatch;

/// <summary>
/// The poison messages: what MassTransit moved to <c>{queue}_error</c> after an unexpected failure or exhausted retries
/// of a non-delivery error. Operators list them and replay them to the worker's queue (the ledger keeps replays from
/// notifying twice).
/// </summary>
public sealed class ErrorQueue(Incidents.Telemetry.Edges.BrokerAddress broker, IOptions<DispatchOptions> options)
{
    public sealed record PoisonMessage(string? MessageId, string? MessageType, string? Reason, int Bytes);

    private string Queue => options.Value.Queue;

    private string Errors => Queue + "_error";

    private async Task<IConnection> ConnectAsync(CancellationToken ct) =>
        await new ConnectionFactory { Uri = broker.ToUri() }
            .CreateConnectionAsync("incidents-dispatch-operator", ct);

    /// <summary>Peeks at up to 100 messages (read and returned to the queue unacknowledged).</summary>
    public async Task<IReadOnlyList<PoisonMessage>> ListAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var list = new List<PoisonMessage>();
        try
        {
            await channel.QueueDeclarePassiveAsync(Errors, ct);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return list;
        }

        while (list.Count < 100 && await channel.BasicGetAsync(Errors, autoAck: false, ct) is { } message)
        {
            list.Add(new PoisonMessage(message.BasicProperties.MessageId, MessageTypeOf(message.Body),
                Header(message.BasicProperties, "MT-Fault-Message") ?? Header(message.BasicProperties, "MT-Reason"), message.Body.Length));
        }

        // Closing the channel without acknowledging returns every peeked message to the queue.
        return list;
    }

    /// <summary>Moves every message of the error queue back to the worker's queue; returns how many.</summary>
    public async Task<int> ReplayAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await channel.QueueDeclarePassiveAsync(Errors, ct);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }

        var count = 0;
        while (await channel.BasicGetAsync(Errors, autoAck: false, ct) is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties);
            properties.Headers?.Remove("MT-Reason");
            // To the queue's own exchange (MassTransit binds one of the same name to every receive endpoint), not the default
            // exchange: the worker's broker user may write to its own exchanges only (infra/rabbitmq.sh users).
            await channel.BasicPublishAsync(Queue, "", mandatory: false, properties, message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            count++;
        }

        return count;
    }

    private static string? MessageTypeOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("messageType", out var types) && types.ValueKind == System.Text.Json.JsonValueKind.Array
                ? string.Join(",", types.EnumerateArray().Select(t => t.GetString()))
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;
}
