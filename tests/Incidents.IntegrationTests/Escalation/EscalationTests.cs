using Incidents.Contracts;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.Api.Configuration;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Escalation;

/// <summary>
/// An API host with the short SLA policy and short escalation chains, on its own database and the test clock:
/// outage: duty (3 s) → manager (3 s) → purchaser, no repeats; fault: duty (1.5 s) → manager (1.5 s), one repeat.
/// Seconds keep the waits and the SLA deadlines interleaved as in the contract's minutes; the clock makes them exact.
/// </summary>
public sealed class EscalationFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_escalation";

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>(TestHost.ShortSlaPolicy)
    {
        ["Escalation:Policy:None"] = "false",
        ["Escalation:Policy:Chains:0:Class"] = "outage",
        ["Escalation:Policy:Chains:0:Repeats"] = "0",
        ["Escalation:Policy:Chains:0:Levels:0:Name"] = "duty engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Recipients:0"] = "duty-engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Wait"] = "PT3S",
        ["Escalation:Policy:Chains:0:Levels:1:Name"] = "project manager",
        ["Escalation:Policy:Chains:0:Levels:1:Recipients:0"] = "project-manager",
        ["Escalation:Policy:Chains:0:Levels:1:Wait"] = "PT3S",
        ["Escalation:Policy:Chains:0:Levels:2:Name"] = "purchaser",
        ["Escalation:Policy:Chains:0:Levels:2:Recipients:0"] = "project-manager",
        ["Escalation:Policy:Chains:0:Levels:2:Recipients:1"] = "purchaser-contact",
        ["Escalation:Policy:Chains:0:Levels:2:Wait"] = "PT1M",
        ["Escalation:Policy:Chains:1:Class"] = "fault",
        ["Escalation:Policy:Chains:1:Repeats"] = "1",
        ["Escalation:Policy:Chains:1:Levels:0:Name"] = "duty engineer",
        ["Escalation:Policy:Chains:1:Levels:0:Recipients:0"] = "duty-engineer",
        ["Escalation:Policy:Chains:1:Levels:0:Wait"] = "PT1.5S",
        ["Escalation:Policy:Chains:1:Levels:1:Name"] = "project manager",
        ["Escalation:Policy:Chains:1:Levels:1:Recipients:0"] = "project-manager",
        ["Escalation:Policy:Chains:1:Levels:1:Wait"] = "PT1.5S",
    };

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public BrokerProbe Broker { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Broker = await BrokerProbe.BindAnnouncementsAsync();
        Factory = await TestHost.StartAsync(Database, Settings, Clock.Time);
        Clock.Attach(Factory, Database);
    }

    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline") =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>Issue #4: escalation levels are raised in the incident's stream, on time, and announced to the worker.</summary>
public sealed class EscalationTests(EscalationFixture fixture) : IClassFixture<EscalationFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private TestClock Clock => fixture.Clock;

    internal static async Task<Guid> ReportAsync(IncidentsClient desk, string incidentClass)
    {
        var response = await desk.ReportAsync(new
        {
            title = "Settlement gateway errors",
            description = "Hospitals see HTTP 500 when they submit settlements.",
            affectedSystem = $"escalation-{Guid.NewGuid():N}",
            @class = incidentClass,
            channel = "monitoring",
            reporter = new { name = "Zabbix" },
        });
        response.EnsureSuccessStatusCode();
        return (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    internal static async Task<List<JsonNode>> LevelsAsync(IncidentsClient client, Guid id) =>
        (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
        .Where(e => e!["type"]!.GetValue<string>() == "escalation-level-raised").Select(e => e!).ToList();

    private static string Describe(JsonNode entry, DateTimeOffset reportedAt)
    {
        var data = entry["data"]!;
        var stage = data["breachedStage"]?.GetValue<string>();
        var offset = (entry["at"]!.GetValue<DateTimeOffset>() - reportedAt).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"L{data["level"]}/R{data["round"]} {data["reason"]!.GetValue<string>()}{(stage is null ? "" : $"({stage})")} +{offset:0.0}s");
    }

    [Fact]
    public async Task an_unacknowledged_fault_walks_its_chain_on_time_and_a_breach_moves_it_on_at_once()
    {
        var desk = fixture.Client();
        var id = await ReportAsync(desk, "fault");
        var reportedAt = (await desk.GetAsync(id))["reportedAt"]!.GetValue<DateTimeOffset>();
        reportedAt.ShouldBe(Clock.Now);

        await Clock.RunDueAsync(reportedAt + TimeSpan.FromSeconds(10), id);
        var levels = await LevelsAsync(desk, id);

        // Stamped with when each level fell due (not when the check ran): the report, the waits, the breaches.
        levels.Select(l => Describe(l, reportedAt)).ShouldBe(
        [
            "L1/R1 opened +0.0s",
            "L2/R1 not-acknowledged +1.5s",
            "L1/R2 sla-breached(acknowledge) +2.0s",
            "L2/R2 not-acknowledged +3.5s",
            "L2/R2 sla-breached(on-site) +4.0s",
        ]);
        levels[0]["data"]!["recipients"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["duty-engineer"]);
        levels[1]["summary"]!.GetValue<string>().ShouldStartWith("Escalation level 2 raised, paging project manager (project-manager): nobody acknowledged in time");
        levels[^1]["data"]!["nextAt"].ShouldBeNull("the chain is exhausted");
        levels.ShouldAllBe(l => l["by"]!["id"]!.GetValue<string>() == "system");

        // Nothing more is raised after the chain is exhausted (the restore stage does not apply to faults): not by the
        // timers an hour on, nor by a check run then.
        await Clock.RunDueAsync(reportedAt + TimeSpan.FromHours(1), id);
        await Clock.CheckNowAsync(id);
        (await LevelsAsync(desk, id)).Count.ShouldBe(5);
        var integrity = await fixture.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/incidents/{id}/integrity");
        integrity["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task acknowledging_stops_the_chain_while_an_unacknowledged_twin_goes_on_and_the_worker_is_told_each_level()
    {
        var desk = fixture.Client();
        var engineer = fixture.Client("eng-07", "Zhao Lei", "responder,hotline");
        var handled = await ReportAsync(desk, "outage");
        var ignored = await ReportAsync(desk, "outage");
        (await engineer.StepAsync(handled, "acknowledge", ifMatch: 1)).IsSuccessStatusCode.ShouldBeTrue();

        // The twin: the acknowledge breach (2 s) raises level 2, the on-site breach (4 s) level 3 (the restore breach at 6 s
        // would page level 3 again).
        await Clock.RunDueAsync(Clock.Now + TimeSpan.FromSeconds(5), handled, ignored);
        var twin = await LevelsAsync(desk, ignored);
        twin.Select(l => l["data"]!["level"]!.GetValue<int>()).ShouldBe([1, 2, 3]);

        var levels = await LevelsAsync(desk, handled);
        levels.Select(l => l["data"]!["level"]!.GetValue<int>()).ShouldBe([1], "acknowledged before the first wait ended");

        // One message per change: level 1 travels inside the report's IncidentOpened, later levels as IncidentEscalated.
        var announced = await fixture.Broker.WaitForAsync(ignored,
            m => m.Count(x => x.MessageType == "urn:message:Incidents.Contracts:IncidentEscalated") >= 2, Wait);
        var opened = announced.Single(m => m.MessageType == "urn:message:Incidents.Contracts:IncidentOpened");
        var escalations = announced.Where(m => m.MessageType == "urn:message:Incidents.Contracts:IncidentEscalated")
            .Select(m => m.Message).Prepend(opened.Message.GetProperty("firstEscalation")).ToList();
        escalations.Select(m => m.GetProperty("level").GetInt32()).ShouldBe([1, 2, 3]);
        escalations[0].GetProperty("reason").GetString().ShouldBe("opened");
        escalations[1].GetProperty("reason").GetString().ShouldBe("sla-breached");
        escalations[1].GetProperty("breachedStage").GetString().ShouldBe("acknowledge");
        escalations[2].GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["project-manager", "purchaser-contact"]);
        escalations.Select(m => m.GetProperty("streamVersion").GetInt64()).ShouldBe(
            twin.Select(l => l["version"]!.GetValue<long>()), "each announcement names the event it announces");
        fixture.Broker.For(handled).Count(m => m.MessageType.EndsWith("IncidentEscalated", StringComparison.Ordinal)).ShouldBe(0);
        fixture.Broker.For(handled).Single(m => m.MessageType.EndsWith("IncidentOpened", StringComparison.Ordinal))
            .Message.GetProperty("firstEscalation").GetProperty("level").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task a_reclassification_into_a_class_without_a_chain_ends_the_escalation()
    {
        var desk = fixture.Client();
        var engineer = fixture.Client("eng-07", "Zhao Lei", "responder,hotline");
        var id = await ReportAsync(desk, "fault");
        var control = await ReportAsync(desk, "fault");
        (await engineer.StepAsync(id, "reclassify", new { @class = "security-event", reason = "An intrusion, not a fault" }))
            .IsSuccessStatusCode.ShouldBeTrue();

        await Clock.RunDueAsync(Clock.Now + TimeSpan.FromMinutes(5), id, control);
        (await LevelsAsync(desk, control)).Count.ShouldBe(5, "the control walks its whole chain");
        (await LevelsAsync(desk, id)).Count.ShouldBe(1, "security events have no chain in this policy");
    }
}

/// <summary>The escalation survives the service: a level that falls due while the API is down is raised when it is back.</summary>
[Collection(RestartCollection.Name)]
public sealed class EscalationRestartTests
{
    /// <summary>The contract's SLA (minutes, out of the way) and a fault chain whose level 2 falls due 5 s after the report.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Escalation:Policy:None"] = "false",
        ["Escalation:Policy:Chains:0:Class"] = "fault",
        ["Escalation:Policy:Chains:0:Levels:0:Name"] = "duty engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Recipients:0"] = "duty-engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Wait"] = "PT5S",
        ["Escalation:Policy:Chains:0:Levels:1:Name"] = "project manager",
        ["Escalation:Policy:Chains:0:Levels:1:Recipients:0"] = "project-manager",
        ["Escalation:Policy:Chains:0:Levels:1:Wait"] = "PT1M",
    };

    /// <summary>The first host's scheduler polls an hour apart: it cannot raise level 2 even if it takes long to stop.</summary>
    private static readonly Dictionary<string, string> Parked = new(Settings) { ["Sla:CheckPollingInterval"] = "01:00:00" };

    [Fact]
    public async Task a_level_due_while_the_api_is_down_is_raised_after_restart_stamped_with_its_due_time()
    {
        var database = TestServices.TestDatabase + "_escalation_restart";
        await TestServices.RecreateDatabaseAsync(database);
        Guid id;
        DateTimeOffset firstAt;
        await using (var first = await TestHost.StartAsync(database, Parked))
        {
            var desk = IncidentsClient.For(first.CreateClient());
            id = await EscalationTests.ReportAsync(desk, "fault");
            var levels = await EscalationTests.LevelsAsync(desk, id);
            levels.Count.ShouldBe(1, "level 1 is recorded with the report");
            firstAt = levels[0]["at"]!.GetValue<DateTimeOffset>();
        }

        // Down past level 2's due time (5 s after the report).
        await Eventually.PastAsync(firstAt + TimeSpan.FromSeconds(6), "level 2's due time to pass while the API is down");
        (await LevelsStoredAsync(database, id)).ShouldBe(1, "nothing runs while the API is down");

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await TestHost.StartAsync(database, Settings);
        var client = IncidentsClient.For(second.CreateClient());
        var after = await Eventually.GetAsync(() => EscalationTests.LevelsAsync(client, id), l => l.Count >= 2, TimeSpan.FromSeconds(30),
            "level 2 after the restart");

        after[1]["data"]!["level"]!.GetValue<int>().ShouldBe(2);
        after[1]["at"]!.GetValue<DateTimeOffset>().ShouldBe(firstAt + TimeSpan.FromSeconds(5), "stamped with when it fell due");
        after[1]["recordedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(restartedAt);
    }

    private static async Task<long> LevelsStoredAsync(string database, Guid id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) from incidents.mt_events where stream_id = @id and type = 'escalation_level_raised'", connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
