using System.Text.Json.Nodes;
using Incidents.Api.Clocks;
using Incidents.IntegrationTests.Infrastructure;
using Wolverine.Util;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// Issue #14: two API nodes (two processes) on one database share the deadlines: each is handled by one of them, and
/// every warning and breach is recorded exactly once, stamped with its instant, whichever node took the report.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class TwoNodesTests
{
    private const int Incidents = 10;

    private static string Database => TestServices.TestDatabase + "_two_nodes";

    /// <summary>Acknowledge in 3 s, on site in 4 s (warnings at 50% and 80% of each); restore an hour away, out of the way.</summary>
    private static readonly Dictionary<string, string> Policy = new(TestHost.ShortSlaPolicy)
    {
        ["Sla:Policy:Targets:0:Acknowledge"] = "PT3S",
        ["Sla:Policy:Targets:0:OnSite"] = "PT4S",
        ["Sla:Policy:Targets:0:Restore"] = "PT1H",
    };

    [Fact]
    public async Task two_api_nodes_on_one_database_record_each_deadline_once()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        // The first node creates the schema; the second starts on it.
        await using var one = await ServiceProcess.StartApiAsync(Database, Policy);
        await using var two = await ServiceProcess.StartApiAsync(Database, Policy);

        var system = $"two-nodes-{Guid.NewGuid():N}";
        var nodes = new[] { one.Client(), two.Client() };
        var ids = new List<Guid>();
        for (var i = 0; i < Incidents; i++)
        {
            ids.Add(await nodes[i % 2].ReportOutageAsync(system));
        }

        await Eventually.GetAsync(() => ScalarAsync("select count(*) from incidents.mt_events where type = 'sla_breached'"),
            n => n >= 2 * Incidents, TimeSpan.FromSeconds(90), "both breaches of every incident");
        // "Nothing more" is proven by the store, not by waiting: every check that fell due has been handled (the inbox keeps
        // handled ones a while; what is left to run is each incident's restore warning half an hour away), so no late
        // duplicate can follow.
        await Eventually.GetAsync(() => ScalarAsync(
                "select count(*) from incidents.wolverine_incoming_envelopes where message_type = @type " +
                "and status <> 'Handled' and (status <> 'Scheduled' or execution_time < now() + interval '10 minutes')", ("type", typeof(SlaCheckDue).ToMessageTypeName())),
            n => n == 0, TimeSpan.FromSeconds(60), "every due clock check handled");

        var reader = two.Client("supervisor-01", "supervisor");
        foreach (var id in ids)
        {
            var stages = (await reader.GetJsonAsync($"/api/v1/incidents/{id}/sla"))["stages"]!;
            var entries = (await reader.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray().Select(e => e!).ToList();
            var breaches = entries.Where(e => Type(e) == "sla-breached").ToList();
            string.Join(",", breaches.Select(Stage).Order()).ShouldBe("acknowledge,on-site", $"each breach of {id} recorded once");
            foreach (var breach in breaches)
            {
                var stage = stages.AsArray().Single(s => s!["stage"]!.GetValue<string>() == Stage(breach))!;
                breach["at"]!.GetValue<DateTimeOffset>().ShouldBe(stage["dueAt"]!.GetValue<DateTimeOffset>(), "stamped with its due time");
            }

            var warnings = entries.Where(e => Type(e) == "sla-warning").Select(e => $"{Stage(e)}@{e["data"]!["threshold"]}").ToList();
            // A check that runs late on a busy machine may find a warning's moment already past the deadline: at most once each.
            warnings.ShouldBeUnique($"no warning of {id} recorded twice");
        }

        (await ScalarAsync("select count(*) from incidents.mt_events where type = 'sla_breached'")).ShouldBe(2 * Incidents);
    }

    private static string Type(JsonNode entry) => entry["type"]!.GetValue<string>();

    private static string Stage(JsonNode entry) => entry["data"]!["stage"]!.GetValue<string>();

    private static async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
