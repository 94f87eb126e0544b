using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>The generic events API (close to PagerDuty Events v2): one incident per dedup key, retries counted once, resolve never closes.</summary>
[Collection(ApiCollection.Name)]
public sealed class GenericEventsTests(ApiFixture api)
{
    private static object Trigger(string dedupKey, string source, DateTimeOffset? occurredAt, string severity = "error") => new
    {
        eventAction = "trigger",
        dedupKey,
        payload = new
        {
            summary = $"Settlement API 5xx above 20% on {source}",
            source,
            severity,
            occurredAt,
            customDetails = new Dictionary<string, string> { ["errorRate"] = "0.23", ["region"] = "east" },
        },
    };

    [Fact]
    public async Task triggers_with_one_dedup_key_make_one_incident_and_count_each_occurrence_once()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic", new { groupingWindow = "PT0S" });
        var source = $"settlement-api-{Guid.NewGuid():N}";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-3);

        var first = await events.AcceptedAsync(Trigger("settlement-5xx", source, t0));
        var second = await events.AcceptedAsync(Trigger("settlement-5xx", source, t0.AddMinutes(1)));
        var retry = await events.AcceptedAsync(Trigger("settlement-5xx", source, t0.AddMinutes(1)));
        var other = await events.AcceptedAsync(Trigger("settlement-latency", source, t0.AddMinutes(2)));

        var id = IntakeClient.Incidents(first).ShouldHaveSingleItem();
        IntakeClient.Incidents(second).ShouldBe([id]);
        retry["duplicates"]!.GetValue<int>().ShouldBe(1, "a retry after a timeout carries the same occurredAt");
        IntakeClient.Incidents(other).ShouldHaveSingleItem().ShouldNotBe(id, "another key opens its own incident when grouping is off");
        var received = await AlertmanagerIntakeTests.ReceivedEventsAsync(id);
        received.Select(r => r["count"]!.GetValue<int>()).ShouldBe([1, 2]);
        var incident = await api.Client().GetAsync(id);
        incident["alerts"]!["received"]!.GetValue<int>().ShouldBe(2);
        incident["class"]!.GetValue<string>().ShouldBe("fault");
        incident["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(t0, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task acknowledge_and_resolve_are_recorded_on_the_incident_and_neither_acknowledges_nor_closes_it()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic");
        var source = $"pacs-{Guid.NewGuid():N}";
        var id = IntakeClient.Incidents(await events.AcceptedAsync(Trigger("pacs-down", source, null, "critical"))).ShouldHaveSingleItem();

        var acknowledged = await events.AcceptedAsync(new { event_action = "acknowledge", dedup_key = "pacs-down" });
        var resolved = await events.AcceptedAsync(new { event_action = "resolve", dedup_key = "pacs-down" });

        acknowledged["alerts"]![0]!["outcome"]!.GetValue<string>().ShouldBe("acknowledged");
        resolved["alerts"]![0]!["outcome"]!.GetValue<string>().ShouldBe("recovered");
        var incident = await api.Client().GetAsync(id);
        incident["status"]!.GetValue<string>().ShouldBe("reported");
        incident["acknowledgedAt"].ShouldBeNull("the SLA's acknowledgement is a person's step");
        incident["alerts"]!["recoveredAt"].ShouldNotBeNull();
    }

    [Fact]
    public async Task an_integration_configured_to_record_service_restored_records_it_when_the_last_alert_recovers()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic", new { resolvedRecordsRestored = true });
        var source = $"lis-{Guid.NewGuid():N}";
        var desk = api.Client();
        var id = IntakeClient.Incidents(await events.AcceptedAsync(Trigger("lis-down", source, null))).ShouldHaveSingleItem();
        await desk.StepOkAsync(id, "acknowledge");

        await events.AcceptedAsync(new { eventAction = "resolve", dedupKey = "lis-down" });

        var incident = await desk.GetAsync(id);
        incident["status"]!.GetValue<string>().ShouldBe("restored");
        incident["closedAt"].ShouldBeNull();
    }
}
