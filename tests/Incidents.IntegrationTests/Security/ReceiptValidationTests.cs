using System.Text.Json;
using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// Anyone who can publish on the broker could otherwise write into an incident's chained record (issue #14): a receipt is
/// appended only when it answers a notification the API announced for that incident, with fields of a sane size.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReceiptValidationTests(ApiFixture api)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task a_forged_receipt_for_a_notice_never_announced_is_not_appended_to_the_stream()
    {
        // A system no worker rule matches: the only receipts for this incident are the ones published here.
        var id = await api.Client().ReportOutageAsync($"receipts-{Guid.NewGuid():N}");
        var now = DateTimeOffset.UtcNow;

        // Version 40 was never announced (the stream has 1 event); version 1 was announced as incident-opened, not as a breach;
        // and a receipt whose fields are far beyond any real one.
        await PublishAsync(new NotificationAttempted(id, NotificationTriggers.IncidentOpened, 40, "purchaser-contact", "email",
            NotificationOutcomes.Sent, 1, null, false, now));
        await PublishAsync(new NotificationAttempted(id, NotificationTriggers.SlaBreached, 1, "purchaser-contact", "email",
            NotificationOutcomes.Sent, 1, null, false, now));
        await PublishAsync(new NotificationAttempted(id, NotificationTriggers.IncidentOpened, 1, new string('x', 5000), "email",
            NotificationOutcomes.Failed, 1, new string('y', 100_000), false, now));
        await PublishAsync(new NotificationAttempted(id, NotificationTriggers.IncidentOpened, 1, "purchaser-contact", "email",
            "delivered-to-everyone", 1, null, false, now));
        // Then a genuine one: receipts are handled in order, so once it is recorded the forged ones have been handled too.
        await PublishAsync(new NotificationAttempted(id, NotificationTriggers.IncidentOpened, 1, "duty-engineer", "email",
            NotificationOutcomes.Sent, 1, null, false, now));

        var supervisor = api.Client("sup-01", "Liu Yang", "supervisor");
        var timeline = await Eventually.GetAsync(() => supervisor.GetJsonAsync($"/api/v1/incidents/{id}/timeline"),
            t => t["entries"]!.AsArray().Any(e => e!["type"]!.GetValue<string>().StartsWith("notification-")), Wait, "the genuine receipt");
        timeline["entries"]!.AsArray().Where(e => e!["type"]!.GetValue<string>().StartsWith("notification-"))
            .Select(e => e!["summary"]!.GetValue<string>())
            .ShouldHaveSingleItem().ShouldContain("duty-engineer");
        (await EventStore.EventCountAsync(id)).ShouldBe(2, "the report and the one genuine receipt; nothing forged was appended");
    }

    private static async Task PublishAsync(NotificationAttempted receipt)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-forged-receipts");
        await using var channel = await connection.CreateChannelAsync();
        var id = Guid.NewGuid();
        var envelope = new
        {
            messageId = id,
            messageType = new[] { $"urn:message:Incidents.Contracts:{nameof(NotificationAttempted)}" },
            message = receipt,
            headers = new Dictionary<string, object>(),
        };
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = id.ToString(), Persistent = true };
        await channel.BasicPublishAsync(Messaging.NotificationReceiptsExchange, "", mandatory: false, properties,
            JsonSerializer.SerializeToUtf8Bytes(envelope, IncidentsClient.Json));
    }
}
