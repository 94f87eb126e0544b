using System.Text.Json;
using Incidents.Contracts;
using Incidents.IntegrationTests.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// Issue #14: the notification worker killed (SIGKILL) in the middle of a delivery — its claim taken in the ledger, the
/// SMTP server not yet answering — loses no notice and sends none twice. A second worker process receives the message
/// again from RabbitMQ, finds the claim of a worker that no longer beats (docs/dispatch.md, "A worker killed
/// mid-delivery"), takes it over and sends once. Workers and the SMTP server are processes of their own; the worker's
/// queues and exchanges are the test's own, on the tests' vhost and a database of the test's own.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class WorkerKilledTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private static string Database => TestServices.TestDatabase + "_worker_killed";

    [Fact]
    public async Task a_worker_killed_mid_delivery_loses_no_notice_and_sends_none_twice()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        await using var smtp = await SmtpSinkProcess.StartAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var queue = $"incidents.dispatch.killed-{run}";
        var receipts = $"incidents.receipts.killed-{run}";
        await using var probe = await BrokerProbe.BindAsync(receipts);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Dispatch"] = TestServices.ConnectionStringFor(Database),
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Dispatch:Queue"] = queue,
            ["Dispatch:PagesQueue"] = queue + ".pages",
            ["Dispatch:SourceExchange"] = $"incidents.events.killed-{run}",
            ["Dispatch:PagesExchange"] = $"incidents.pages.killed-{run}",
            ["Dispatch:ReceiptsExchange"] = receipts,
            ["Dispatch:Smtp:Host"] = "127.0.0.1",
            ["Dispatch:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A short liveness policy and retries that outlast it (the defaults are 2 s / 10 s and about 15 s of retries).
            ["Dispatch:Liveness:Heartbeat"] = "00:00:01",
            ["Dispatch:Liveness:Timeout"] = "00:00:03",
            ["Dispatch:RetryLimit"] = "20",
            ["Dispatch:RetryMinInterval"] = "00:00:00.500",
            ["Dispatch:RetryMaxInterval"] = "00:00:02",
            ["Dispatch:Rules:0:On"] = NotificationTriggers.SlaWarning,
            ["Dispatch:Rules:0:Recipients:0"] = "duty-engineer",
            ["Dispatch:Recipients:duty-engineer:Name"] = "值班工程师",
            ["Dispatch:Recipients:duty-engineer:Email"] = "hold-duty@example.org",
        };
        var first = await ServiceProcess.StartWorkerAsync(settings);
        var incident = Guid.NewGuid();
        try
        {
            await PublishWarningAsync(queue + ".pages", incident);
            // Mid-delivery: the claim is taken and the SMTP server holds the recipient unanswered.
            await Eventually.GetAsync(() => Task.FromResult(smtp.Held.Count), n => n == 1, Wait, "the first worker to start the delivery");
            (await ClaimAsync(incident)).ShouldBe("sending");
        }
        finally
        {
            await first.KillAsync();
        }

        await using var second = await ServiceProcess.StartWorkerAsync(settings);
        var receipt = (await probe.WaitForAsync(incident, r => r.Count >= 1, Wait)).ShouldHaveSingleItem().Message;
        receipt.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Sent);
        await Eventually.GetAsync(() => Task.FromResult(smtp.For(incident).Count), n => n >= 1, Wait, "the notice mailed by the second worker");
        (await ClaimAsync(incident)).ShouldBe("sent");

        // Nothing more follows: the queue is drained, and still one mail and one receipt.
        await Eventually.GetAsync(() => ReadyAndUnackedAsync(queue + ".pages"), n => n == 0, Wait, "the paging queue drained");
        smtp.For(incident).ShouldHaveSingleItem("the notice is mailed once, not lost with the killed worker and not sent twice");
        probe.For(incident).ShouldHaveSingleItem();
        first.Output.ShouldNotContain("Unhandled exception");
    }

    private static async Task PublishWarningAsync(string queue, Guid incident)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-worker-killed");
        await using var channel = await connection.CreateChannelAsync();
        var warning = new IncidentSlaWarning(incident, "held", "fault", "his-core", false, "acknowledge", 0.8,
            DateTimeOffset.UtcNow.AddMinutes(5), DateTimeOffset.UtcNow, 3);
        var id = Guid.NewGuid();
        var envelope = new
        {
            messageId = id,
            messageType = new[] { $"urn:message:Incidents.Contracts:{nameof(IncidentSlaWarning)}" },
            message = warning,
            headers = new Dictionary<string, object>(),
        };
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = id.ToString(), Persistent = true };
        await channel.BasicPublishAsync("", queue, mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(envelope, IncidentsClient.Json));
    }

    private static async Task<string?> ClaimAsync(Guid incident)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select outcome from dispatch_deliveries where incident_id = @id", connection);
        command.Parameters.AddWithValue("id", incident);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<uint> ReadyAndUnackedAsync(string queue)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-worker-killed");
        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclarePassiveAsync(queue);
        return ok.MessageCount;
    }
}
