using System.Text.Json;
using System.Text.Json.Nodes;
using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// Issue #16, as the supervisor sees it: every receipt says how long after the event the delivery was attempted, the
/// notifications view and the SLA board show it, and warn when it is over a minute; a superseded notice is recorded in
/// the timeline, not sent.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NotificationLagTests(ApiFixture api, DispatchFixture dispatch) : IClassFixture<DispatchFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_notifications_view_and_the_board_show_the_lag_and_warn_when_a_notification_was_over_a_minute_late()
    {
        var system = DispatchFixture.System("outage");
        var id = await api.Client().ReportOutageAsync(system);
        var supervisor = api.Client("sup-01", "Liu Yang", "supervisor");

        var told = await Eventually.GetAsync(() => supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications?recipient=purchaser-contact"),
            n => Deliveries(n).Any(d => d["channel"]!.GetValue<string>() == "email" && d["outcome"]!.GetValue<string>() == "delivered"),
            Wait, "the delivered mail");
        var mail = Deliveries(told).First(d => d["channel"]!.GetValue<string>() == "email");
        mail["lag"].ShouldNotBeNull("the receipt records the delay from the report to the delivery");
        mail["lagWarning"]!.GetValue<bool>().ShouldBeFalse();
        var entry = await BoardEntryAsync(supervisor, system, id, e => e["notificationLag"] is not null);
        entry["notificationLagWarning"]!.GetValue<bool>().ShouldBeFalse();

        // A receipt 90 s after the event (as a worker behind a backlog would report it): the view and the board warn.
        await PublishReceiptAsync(new NotificationAttempted(id, NotificationTriggers.IncidentOpened, 1, "purchaser-contact", "sms",
            NotificationOutcomes.Sent, 1, null, false, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(90)));
        await BoardEntryAsync(supervisor, system, id, e => e["notificationLagWarning"]!.GetValue<bool>());
        var board = await supervisor.GetJsonAsync($"/api/v1/sla/board?system={system}");
        board["notificationLagWarning"]!.GetValue<bool>().ShouldBeTrue();
        var late = Deliveries(await supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications?recipient=purchaser-contact"))
            .Single(d => d["channel"]!.GetValue<string>() == "sms");
        late["lagWarning"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_warning_for_a_stage_already_met_is_recorded_as_superseded_in_the_timeline_and_not_mailed()
    {
        // A genuine warning (receipts must answer an announced notification, issue #14): a short policy on the test clock
        // raises the acknowledge stage's warning, on a system no rule matches, so nobody is told of it on time.
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(TestServices.TestDatabase, TestHost.ShortSlaPolicy, clock.Time);
        clock.Attach(host, TestServices.TestDatabase);
        var desk = IncidentsClient.For(host.CreateClient());
        var id = await desk.ReportOutageAsync($"dispatch-unmatched-{Guid.NewGuid():N}");
        await clock.RunDueAsync(clock.Now.AddSeconds(1.1), id);
        var warned = (await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
            .First(e => e!["type"]!.GetValue<string>() == "sla-warning-raised")!["version"]!.GetValue<long>();

        (await IncidentsClient.For(host.CreateClient(), "eng-07", "Zhao Lei", "responder,hotline").StepAsync(id, "acknowledge"))
            .IsSuccessStatusCode.ShouldBeTrue();
        await Eventually.GetAsync(
            () => TestServices.ScalarAsync<long>("select count(*) from dispatch_progress where incident_id = @id and fact = 'met:acknowledge'",
                ("id", id)),
            n => n == 1, Wait, "the worker learning of the acknowledgement");

        // That warning reaches the worker late, for a system a rule does match (as if it had been queued behind a backlog).
        var system = DispatchFixture.System("outage");
        var now = DateTimeOffset.UtcNow;
        await dispatch.SendRawAsync(nameof(IncidentSlaWarning), new IncidentSlaWarning(id, "Settlement down", "outage", system, false,
            "acknowledge", 0.5, now.AddMinutes(1), now.AddMinutes(-1), warned), Guid.NewGuid());

        var timeline = await Eventually.GetAsync(() => api.Client().GetJsonAsync($"/api/v1/incidents/{id}/timeline"),
            t => t["entries"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "notification-superseded") >= 2, Wait,
            "the superseded receipts (mail and webhook)");
        timeline["entries"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "notification-superseded")
            .Select(e => e!["summary"]!.GetValue<string>())
            .ShouldContain(s => s.StartsWith("Did not notify purchaser-contact by email of sla warning: superseded (the acknowledge stage was met"));
        dispatch.MailsFor(id).ShouldNotContain(m => m.Headers["X-Incident-Trigger"] == NotificationTriggers.SlaWarning);
    }

    private static IEnumerable<JsonNode> Deliveries(JsonNode notifications) =>
        notifications["announcements"]!.AsArray().SelectMany(a => a!["deliveries"]!.AsArray()).OfType<JsonNode>();

    private static async Task<JsonNode> BoardEntryAsync(IncidentsClient client, string system, Guid id, Func<JsonNode, bool> until) =>
        (await Eventually.GetAsync(() => client.GetJsonAsync($"/api/v1/sla/board?system={system}&limit=500"),
            b => b["entries"]!.AsArray().Any(e => e!["incidentId"]!.GetValue<Guid>() == id && until(e)), Wait, "the board entry"))
        ["entries"]!.AsArray().First(e => e!["incidentId"]!.GetValue<Guid>() == id)!;

    private static async Task PublishReceiptAsync(NotificationAttempted receipt)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-receipts");
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
