using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Projections.Incidents;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Incidents.IntegrationTests.Sla;

/// <summary>
/// The clock survives the service: deadlines that pass while the API is down are recorded, with their real due time,
/// as soon as it is back (the real durable scheduler, on the wall clock); and the clock view can be rebuilt from the
/// events with the same answer (the test clock). Own database, own hosts, so no other host can handle the checks.
/// </summary>
[Collection(RestartCollection.Name)]
public sealed class SlaRestartTests
{
    private static string Database => TestServices.TestDatabase + "_restart";

    /// <summary>The short policy with a few seconds more for outages, and a restore deadline out of the way.</summary>
    private static readonly Dictionary<string, string> Policy = new(TestHost.ShortSlaPolicy)
    {
        ["Sla:Policy:Targets:0:Acknowledge"] = "PT5S",
        ["Sla:Policy:Targets:0:OnSite"] = "PT6S",
        ["Sla:Policy:Targets:0:Restore"] = "PT1H",
    };

    /// <summary>
    /// The first host's scheduler polls for due timers an hour apart (after its first look, a second or two after the
    /// start), so it cannot run the checks even if stopping it takes longer than the deadlines on a busy machine.
    /// </summary>
    private static readonly Dictionary<string, string> Parked = new(Policy) { ["Sla:CheckPollingInterval"] = "01:00:00" };

    [Fact]
    public async Task a_deadline_that_passes_while_the_api_is_down_is_recorded_with_its_due_time_right_after_restart()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Guid id;
        DateTimeOffset due, onSiteDue;
        await using (var first = await TestHost.StartAsync(Database, Parked))
        {
            var desk = IncidentsClient.For(first.CreateClient());
            id = await desk.ReportOutageAsync($"restart-{Guid.NewGuid():N}");
            var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
            due = clocks["stages"]![0]!["dueAt"]!.GetValue<DateTimeOffset>();
            onSiteDue = clocks["stages"]![1]!["dueAt"]!.GetValue<DateTimeOffset>();
        }

        // The API stays down past the acknowledge due time (5 s) and the on-site due time (6 s).
        await Eventually.PastAsync(onSiteDue + TimeSpan.FromSeconds(1), "the deadlines to pass while the API is down");
        (await BreachCountAsync(id)).ShouldBe(0, "nothing runs while the API is down");

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await TestHost.StartAsync(Database, Policy);
        var client = IncidentsClient.For(second.CreateClient());
        var entries = await Eventually.GetAsync(
            async () => (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray(),
            e => e.Count(x => x!["type"]!.GetValue<string>() == "sla-breached") >= 2,
            TimeSpan.FromSeconds(30), "breaches after restart");

        var acknowledgeBreach = entries.First(e => e!["type"]!.GetValue<string>() == "sla-breached")!;
        acknowledgeBreach["data"]!["stage"]!.GetValue<string>().ShouldBe("acknowledge");
        acknowledgeBreach["at"]!.GetValue<DateTimeOffset>().ShouldBe(due, "stamped with the real due time");
        var recordedAt = acknowledgeBreach["recordedAt"]!.GetValue<DateTimeOffset>();
        recordedAt.ShouldBeGreaterThan(restartedAt);
        (recordedAt - restartedAt).ShouldBeLessThan(TimeSpan.FromSeconds(30), "recorded within seconds of coming back");
        var stages = entries.Where(e => e!["type"]!.GetValue<string>() == "sla-breached")
            .Select(e => e!["data"]!["stage"]!.GetValue<string>()).ToList();
        stages.Count(s => s == "acknowledge").ShouldBe(1);
        stages.Count(s => s == "on-site").ShouldBe(1);
    }

    [Fact]
    public async Task the_incident_document_rebuilt_from_the_events_equals_the_live_one()
    {
        // The test clock and the contract's policy: no check runs in the background while the views are compared.
        var database = Database + "_rebuild";
        await TestServices.RecreateDatabaseAsync(database);
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(database, clock: clock.Time);
        clock.Attach(host, database);
        var desk = IncidentsClient.For(host.CreateClient());
        var system = $"rebuild-{Guid.NewGuid():N}";
        var late = await desk.ReportOutageAsync(system);
        var quick = await desk.ReportOutageAsync(system);
        clock.Advance(TimeSpan.FromMinutes(1));
        await desk.StepOkAsync(quick, "acknowledge");
        await desk.StepOkAsync(quick, "reclassify", new { @class = "fault", reason = "Only one hospital affected" });
        await clock.RunDueAsync(clock.Now + TimeSpan.FromMinutes(6), late, quick);
        (await BreachCountAsync(late, database)).ShouldBe(1, "the acknowledge breach");
        await desk.StepOkAsync(late, "acknowledge");

        var live = await ViewsAsync(database);
        var liveClocks = await desk.GetJsonAsync($"/api/v1/incidents/{late}/sla");

        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<IncidentDetails>(x => true);
            await session.SaveChangesAsync();
        }

        (await ViewsAsync(database)).ShouldBeEmpty();
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<IncidentDetailsProjection>(CancellationToken.None);

        var rebuilt = await ViewsAsync(database);
        rebuilt.Keys.Order().ShouldBe(live.Keys.Order());
        foreach (var (id, json) in live)
        {
            JsonNode.DeepEquals(JsonNode.Parse(rebuilt[id]), JsonNode.Parse(json)).ShouldBeTrue($"view of {id} differs after rebuild");
        }

        var rebuiltClocks = await desk.GetJsonAsync($"/api/v1/incidents/{late}/sla");
        foreach (var i in Enumerable.Range(0, 3))
        {
            foreach (var field in new[] { "stage", "status", "target", "dueAt", "stoppedAt", "breachRecordedFor" })
            {
                rebuiltClocks["stages"]![i]![field]?.ToJsonString().ShouldBe(liveClocks["stages"]![i]![field]?.ToJsonString());
            }
        }
    }

    private static Task<long> BreachCountAsync(Guid id, string? database = null) => ScalarAsync(database ?? Database,
        "select count(*) from incidents.mt_events where stream_id = @id and type = 'sla_breached'", id);

    private static async Task<long> ScalarAsync(string database, string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<Guid, string>> ViewsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id, data::text from incidents.mt_doc_incidentdetails", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var views = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            views[reader.GetGuid(0)] = reader.GetString(1);
        }

        return views;
    }
}
