using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>Prometheus Alertmanager posts firing, repeated and resolved groups: one incident per system, counted once, never closed by "resolved".</summary>
[Collection(ApiCollection.Name)]
public sealed class AlertmanagerIntakeTests(ApiFixture api)
{
    [Fact]
    public async Task a_firing_group_opens_one_incident_a_repeat_counts_nothing_and_resolved_is_recorded_without_closing_it()
    {
        var (alertmanager, integrationId, _) = await IntakeClient.CreateAsync(api, "alertmanager");
        var service = $"settlement-{Guid.NewGuid():N}";
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-4);
        var firing = Alertmanager.Payload("firing",
            Alertmanager.Alert("firing", service, "ServiceDown", startsAt, "a1b2c3d4e5f60001"),
            Alertmanager.Alert("firing", service, "HighLatency", startsAt.AddSeconds(30), "a1b2c3d4e5f60002", severity: "warning"));

        var first = await alertmanager.AcceptedAsync(firing);
        var repeat = await alertmanager.AcceptedAsync(firing);

        var incidents = IntakeClient.Incidents(first);
        incidents.Count.ShouldBe(1, "both alerts of one system fold into one incident");
        var id = incidents[0];
        IntakeClient.Incidents(repeat).ShouldBe([id]);
        first["accepted"]!.GetValue<int>().ShouldBe(2);
        repeat["accepted"]!.GetValue<int>().ShouldBe(0);
        repeat["duplicates"]!.GetValue<int>().ShouldBe(2, "Alertmanager's resend at the repeat interval is the same alert");

        var incident = await api.Client().GetAsync(id);
        incident["channel"]!.GetValue<string>().ShouldBe("monitoring");
        incident["class"]!.GetValue<string>().ShouldBe("outage", "severity=critical maps to outage by default");
        incident["affectedSystem"]!.GetValue<string>().ShouldBe(service);
        incident["reportedBy"]!["id"]!.GetValue<string>().ShouldBe($"integration:{integrationId}");
        incident["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(startsAt, TimeSpan.FromMilliseconds(1));
        incident["alerts"]!["received"]!.GetValue<int>().ShouldBe(2);
        incident["alerts"]!["firing"]!.GetValue<int>().ShouldBe(2);
        (await EventStore.IncidentsOnSystemAsync(service)).ShouldBe(1);

        var resolved = await alertmanager.AcceptedAsync(Alertmanager.Payload("resolved",
            Alertmanager.Alert("resolved", service, "ServiceDown", startsAt, "a1b2c3d4e5f60001", endsAt: DateTimeOffset.UtcNow),
            Alertmanager.Alert("resolved", service, "HighLatency", startsAt.AddSeconds(30), "a1b2c3d4e5f60002", "warning", DateTimeOffset.UtcNow)));

        resolved["alerts"]!.AsArray().Select(a => a!["outcome"]!.GetValue<string>()).ShouldAllBe(o => o == "recovered");
        var after = await api.Client().GetAsync(id);
        after["status"]!.GetValue<string>().ShouldBe("reported", "monitoring saying recovered never closes an incident");
        after["alerts"]!["firing"]!.GetValue<int>().ShouldBe(0);
        after["alerts"]!["recoveredAt"].ShouldNotBeNull();
        var timeline = await api.Client().GetJsonAsync($"/api/v1/incidents/{id}/timeline");
        timeline.ToJsonString().ShouldContain("AlertRecovered", Case.Insensitive);
    }

    [Fact]
    public async Task the_same_fingerprint_firing_again_after_recovery_adds_to_the_open_incident_with_its_count_and_first_and_last_seen()
    {
        var (alertmanager, _, _) = await IntakeClient.CreateAsync(api, "alertmanager");
        var service = $"his-{Guid.NewGuid():N}";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var id = IntakeClient.Incidents(await alertmanager.AcceptedAsync(Alertmanager.Payload("firing",
            Alertmanager.Alert("firing", service, "DiskFull", t0, "ffee0001"))))[0];
        await alertmanager.AcceptedAsync(Alertmanager.Payload("resolved",
            Alertmanager.Alert("resolved", service, "DiskFull", t0, "ffee0001", endsAt: t0.AddMinutes(5))));

        var again = await alertmanager.AcceptedAsync(Alertmanager.Payload("firing",
            Alertmanager.Alert("firing", service, "DiskFull", t0.AddMinutes(10), "ffee0001")));

        IntakeClient.Incidents(again).ShouldBe([id], "a flapping alert stays on its open incident");
        var received = await ReceivedEventsAsync(id);
        received.Count.ShouldBe(2);
        received[1]["count"]!.GetValue<int>().ShouldBe(2);
        received[1]["firstSeenAt"]!.GetValue<DateTimeOffset>().ShouldBe(received[0]["firstSeenAt"]!.GetValue<DateTimeOffset>());
        received[1]["lastSeenAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(received[0]["lastSeenAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task a_batch_partly_valid_stores_the_valid_alerts_and_lists_the_invalid_ones()
    {
        var (alertmanager, _, _) = await IntakeClient.CreateAsync(api, "alertmanager");
        var service = $"pacs-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var noService = new Dictionary<string, object?>
        {
            ["status"] = "firing", ["labels"] = new Dictionary<string, string> { ["alertname"] = "Orphan" },
            ["annotations"] = new Dictionary<string, string>(), ["startsAt"] = now.AddMinutes(-1).ToString("O"),
            ["endsAt"] = "0001-01-01T00:00:00Z", ["generatorURL"] = "", ["fingerprint"] = "0bad",
        };

        var answer = await alertmanager.AcceptedAsync(Alertmanager.Payload("firing",
            Alertmanager.Alert("firing", service, "ServiceDown", now.AddMinutes(-2), "900d"),
            noService,
            Alertmanager.Alert("firing", service, "FromTheFuture", now.AddHours(1), "f000")));

        answer["accepted"]!.GetValue<int>().ShouldBe(1);
        var invalid = answer["invalid"]!.AsArray();
        invalid.Select(i => i!["index"]!.GetValue<int>()).ShouldBe([1, 2]);
        invalid[0]!["errors"]!.ToJsonString().ShouldContain("service");
        invalid[1]!["errors"]!.ToJsonString().ShouldContain("future");
        (await EventStore.IncidentsOnSystemAsync(service)).ShouldBe(1);
    }

    internal static async Task<List<JsonNode>> ReceivedEventsAsync(Guid id)
    {
        var json = await TestServices.ScalarAsync<string>(
            "select coalesce(json_agg(data order by version)::text, '[]') from incidents.mt_events where stream_id = @id and type = 'alert_received'",
            ("id", id));
        return JsonNode.Parse(json)!.AsArray().Select(n => n!).ToList();
    }
}
