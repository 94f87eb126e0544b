using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>A storm: 2,000 alerts for one system within seconds open a bounded number of incidents, and every alert is accounted for.</summary>
[Collection(ApiCollection.Name)]
public sealed class AlertStormTests(ApiFixture api)
{
    [Fact]
    public async Task two_thousand_alerts_for_one_system_open_at_most_the_storm_limit_and_every_alert_is_counted()
    {
        // Grouping off, so that only the storm limit bounds the incidents: the hardest case.
        var (alertmanager, _, _) = await IntakeClient.CreateAsync(api, "alertmanager", new { groupingWindow = "PT0S", stormLimit = 3 });
        var service = $"storm-{Guid.NewGuid():N}";
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);

        // 40 concurrent webhooks of 50 distinct alerts each, as Alertmanager sends groups in parallel.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(batch => alertmanager.AcceptedAsync(Alertmanager.Payload("firing",
            Enumerable.Range(0, 50).Select(i => Alertmanager.Alert("firing", service, $"InstanceDown{batch}", startsAt,
                $"storm{batch:D2}{i:D3}")).ToArray()))));

        answers.Sum(a => a["accepted"]!.GetValue<int>()).ShouldBe(2000);
        var incidents = answers.SelectMany(IntakeClient.Incidents).Distinct().ToList();
        incidents.Count.ShouldBeLessThanOrEqualTo(3);
        (await EventStore.IncidentsOnSystemAsync(service)).ShouldBe(incidents.Count);
        var views = new List<JsonNode>();
        foreach (var id in incidents)
        {
            views.Add(await api.Client().GetAsync(id));
        }

        views.Sum(v => v["alerts"]!["received"]!.GetValue<int>()).ShouldBe(2000, "no alert is dropped: each is recorded or counted");
        views.Sum(v => v["alerts"]!["keys"]!.GetValue<int>()).ShouldBe(2000);
        views.ShouldContain(v => v["alerts"]!["isStorm"]!.GetValue<bool>());
        var board = await api.Client().GetJsonAsync($"/api/v1/sla/board?system={service}");
        board["entries"]!.AsArray().ShouldContain(e => e!["alertStorm"]!.GetValue<bool>(), "the storm shows on the board");
        var events = await TestServices.ScalarAsync<long>(
            "select count(*) from incidents.mt_events where stream_id = any(@ids)", ("ids", incidents.ToArray()));
        events.ShouldBeLessThan(1000, "beyond 100 keys an incident counts alerts in summaries, not one event each");
    }
}
