using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// Issue #14: the API killed with SIGKILL while deadlines are pending (a crash, an OOM kill, a node lost): nothing is
/// handed back on the way down, yet after a restart every breach is recorded exactly once, stamped with its due time.
/// The API runs as a process of its own on a database of the test's own, on the wall clock with a policy in seconds.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ApiKilledTests
{
    private const int Incidents = 6;

    private static string Database => TestServices.TestDatabase + "_killed";

    private static readonly Dictionary<string, string> Policy = new(TestHost.ShortSlaPolicy)
    {
        ["Sla:Policy:Targets:0:Acknowledge"] = "PT5S",
        ["Sla:Policy:Targets:0:OnSite"] = "PT6S",
        ["Sla:Policy:Targets:0:Restore"] = "PT1H",
    };

    [Fact]
    public async Task an_api_killed_with_deadlines_pending_records_every_breach_once_with_its_due_time_after_restart()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        var due = new Dictionary<Guid, (DateTimeOffset Acknowledge, DateTimeOffset OnSite)>();
        // The first process's scheduler looks for due checks once, a second after it starts, then only an hour later: the
        // deadlines are certainly pending (stored, not run) when it is killed, however slow this machine is.
        await using (var first = await ServiceProcess.StartApiAsync(Database, new Dictionary<string, string>(Policy) { ["Sla:CheckPollingInterval"] = "01:00:00" }))
        {
            var desk = first.Client();
            var system = $"killed-{Guid.NewGuid():N}";
            for (var i = 0; i < Incidents; i++)
            {
                var id = await desk.ReportOutageAsync(system);
                var stages = (await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla"))["stages"]!;
                due[id] = (stages[0]!["dueAt"]!.GetValue<DateTimeOffset>(), stages[1]!["dueAt"]!.GetValue<DateTimeOffset>());
            }

            await first.KillAsync();
        }

        var last = due.Values.Max(d => d.OnSite);
        await Eventually.PastAsync(last + TimeSpan.FromSeconds(1), "every deadline to pass while the API is down");
        (await BreachesAsync()).ShouldBe(0, "nothing runs while the API is down");

        await using var second = await ServiceProcess.StartApiAsync(Database, Policy);
        var reader = second.Client("supervisor-01", "supervisor");
        foreach (var (id, (acknowledge, onSite)) in due)
        {
            var breaches = await Eventually.GetAsync(
                async () => (await reader.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
                    .Where(e => e!["type"]!.GetValue<string>() == "sla-breached").Select(e => e!).ToList(),
                b => b.Count >= 2, TimeSpan.FromSeconds(60), $"both breaches of {id} after the restart");
            string.Join(",", breaches.Select(Stage).Order()).ShouldBe("acknowledge,on-site", $"each breach of {id} recorded once");
            breaches.Single(b => Stage(b) == "acknowledge")["at"]!.GetValue<DateTimeOffset>().ShouldBe(acknowledge, "stamped with its due time");
            breaches.Single(b => Stage(b) == "on-site")["at"]!.GetValue<DateTimeOffset>().ShouldBe(onSite, "stamped with its due time");
        }

        // Every check has run by now; a breach recorded twice would be in the store however the timeline shows it.
        (await BreachesAsync()).ShouldBe(2 * Incidents, "two breaches per incident, no more");
    }

    private static string Stage(JsonNode entry) => entry["data"]!["stage"]!.GetValue<string>();

    private static async Task<long> BreachesAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from incidents.mt_events where type = 'sla_breached'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
