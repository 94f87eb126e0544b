using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Clocks;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Incidents.IntegrationTests.Sla;

/// <summary>
/// The response clock against real PostgreSQL and RabbitMQ, on the contract's policy (outage: acknowledge 5 min, on site
/// 1 h, restore 4 h; major event: acknowledge 1 min; warnings at 50% and 80%) and the test clock: each test moves time and
/// runs the checks the API scheduled, at the instants it scheduled them for.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class SlaClockTests(SlaFixture sla)
{
    private TestClock Clock => sla.Clock;

    private static string System() => $"sla-{Guid.NewGuid():N}";

    private static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);

    private static async Task<JsonArray> TimelineAsync(IncidentsClient client, Guid id) =>
        (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray();

    private static IEnumerable<JsonNode> OfType(JsonArray entries, string type) =>
        entries.Where(e => e!["type"]!.GetValue<string>() == type).Select(e => e!);

    private static JsonNode Stage(JsonNode clocks, string stage) =>
        clocks["stages"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == stage)!;

    private static string StageOf(JsonNode entry) => entry["data"]!["stage"]!.GetValue<string>();

    [Fact]
    public async Task an_outage_nobody_acknowledges_warns_at_50_and_80_percent_then_breaches_every_stage_once()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        var reportedAt = Clock.Now;
        (await Clock.PendingChecksAsync(id)).ShouldBe([reportedAt + Minutes(2.5)], "the report arms one check, for the first warning");

        await Clock.RunDueAsync(reportedAt + TimeSpan.FromHours(5), id);

        // Each warning once, stamped at its threshold; each breach once, stamped at its due time.
        var entries = await TimelineAsync(desk, id);
        var warnings = OfType(entries, "sla-warning-raised").ToList();
        warnings.Select(w => (StageOf(w), w["data"]!["threshold"]!.GetValue<double>(), w["at"]!.GetValue<DateTimeOffset>() - reportedAt))
            .ShouldBe(
            [
                ("acknowledge", 0.5, Minutes(2.5)), ("acknowledge", 0.8, Minutes(4)),
                ("on-site", 0.5, Minutes(30)), ("on-site", 0.8, Minutes(48)),
                ("restore", 0.5, Minutes(120)), ("restore", 0.8, Minutes(192)),
            ]);
        var breaches = OfType(entries, "sla-breached").ToList();
        breaches.Select(b => (StageOf(b), b["at"]!.GetValue<DateTimeOffset>() - reportedAt))
            .ShouldBe([("acknowledge", Minutes(5)), ("on-site", Minutes(60)), ("restore", Minutes(240))]);
        warnings.Concat(breaches).ShouldAllBe(n => n["by"]!["id"]!.GetValue<string>() == "system");

        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        clocks["policy"]!.GetValue<string>().ShouldBe("contract-2026@v1");
        foreach (var stage in new[] { "acknowledge", "on-site", "restore" })
        {
            Stage(clocks, stage)["status"]!.GetValue<string>().ShouldBe("breached");
            Stage(clocks, stage)["remaining"]!.GetValue<string>().ShouldStartWith("-PT");
        }

        // The system's notices are links of the tamper-evident chain like every user's step.
        var integrity = await sla.Client("sup-01", "Liu Yang", role: "supervisor").GetJsonAsync($"/api/v1/incidents/{id}/integrity");
        integrity["ok"]!.GetValue<bool>().ShouldBeTrue(integrity.ToJsonString());
        integrity["events"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(entries.Count);

        var messages = await sla.Broker.WaitForAsync(id, m => m.Count(x => x.MessageType.EndsWith(":IncidentSlaBreached")) == 3);
        messages.Count(m => m.MessageType.EndsWith(":IncidentSlaWarning")).ShouldBe(6, "one message per warning recorded");
        messages.Where(m => m.MessageType.EndsWith(":IncidentSlaBreached"))
            .Select(m => m.Message.GetProperty("target").GetString()).ShouldBe(["PT5M", "PT1H", "PT4H"]);
    }

    [Fact]
    public async Task acknowledging_in_time_meets_the_stage_and_no_breach_of_it_ever_follows()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        var reportedAt = Clock.Now;
        await Clock.RunDueAsync(reportedAt + Minutes(2), id);
        await desk.StepOkAsync(id, "acknowledge");

        // Run the clock until the on-site stage (1 h) has breached: the acknowledge due time (5 min) is long past.
        await Clock.RunDueAsync(reportedAt + Minutes(61), id);

        var entries = await TimelineAsync(desk, id);
        OfType(entries, "sla-breached").Select(StageOf).ShouldBe(["on-site"]);
        OfType(entries, "sla-warning-raised").ShouldNotContain(w => StageOf(w) == "acknowledge");
        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        Stage(clocks, "acknowledge")["status"]!.GetValue<string>().ShouldBe("met");
        Stage(clocks, "acknowledge")["stoppedAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + Minutes(2));
        Stage(clocks, "acknowledge")["remaining"].ShouldBeNull();
    }

    [Fact]
    public async Task a_late_acknowledgement_is_met_late_and_the_breach_stays_on_record()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        var reportedAt = Clock.Now;
        await Clock.RunDueAsync(reportedAt + Minutes(6), id);
        OfType(await TimelineAsync(desk, id), "sla-breached").Select(StageOf).ShouldBe(["acknowledge"]);

        await desk.StepOkAsync(id, "acknowledge");

        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        var acknowledge = Stage(clocks, "acknowledge");
        acknowledge["status"]!.GetValue<string>().ShouldBe("met-late");
        acknowledge["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + Minutes(5));
        acknowledge["stoppedAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + Minutes(6));
        acknowledge["breachRecordedFor"]!.GetValue<DateTimeOffset>().ShouldBe(acknowledge["dueAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task reclassifying_a_fault_as_a_major_event_retargets_running_stages_from_the_report_time()
    {
        var desk = sla.Client();
        var response = await desk.ReportAsync(new
        {
            title = "Slow queries",
            affectedSystem = System(),
            @class = "fault",
            channel = "monitoring",
            reporter = new { name = "Zabbix" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        var reportedAt = Clock.Now;
        var before = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        Stage(before, "restore")["status"]!.GetValue<string>().ShouldBe("not-applicable");

        Clock.Advance(TimeSpan.FromSeconds(30));
        await desk.StepOkAsync(id, "reclassify", new { @class = "major-event", reason = "Whole province affected" });

        // Major event: acknowledge 1 min, restore 4 h, counted from the report, not from the reclassification.
        var after = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        Stage(after, "acknowledge")["startedAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt);
        Stage(after, "acknowledge")["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + Minutes(1));
        Stage(after, "acknowledge")["remaining"]!.GetValue<string>().ShouldBe("PT30S");
        Stage(after, "restore")["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + TimeSpan.FromHours(4));
        Stage(after, "restore")["target"]!.GetValue<string>().ShouldBe("PT4H");
    }

    [Fact]
    public async Task the_board_lists_open_stages_with_least_time_left_first_and_flags_warnings_and_breaches()
    {
        var desk = sla.Client();
        var system = System();
        var outage = await desk.ReportOutageAsync(system);
        var major = await desk.ReportAsync(new
        {
            title = "Province-wide settlement failure",
            affectedSystem = system,
            @class = "major-event",
            channel = "phone",
            reporter = new { name = "Provincial bureau" },
        });
        var majorId = (await IncidentsClient.ReadJsonAsync(major))["id"]!.GetValue<Guid>();
        var reportedAt = Clock.Now;

        var board = await desk.GetJsonAsync($"/api/v1/sla/board?system={system}");
        board["evaluatedAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt);
        var entries = board["entries"]!.AsArray();
        entries.Count.ShouldBe(6);
        var dues = entries.Select(e => e!["dueAt"]!.GetValue<DateTimeOffset>()).ToList();
        dues.ShouldBe(dues.Order().ToList());
        entries[0]!["incidentId"]!.GetValue<Guid>().ShouldBe(majorId);
        entries[0]!["stage"]!.GetValue<string>().ShouldBe("acknowledge");
        entries.ShouldAllBe(e => !e!["warning"]!.GetValue<bool>() && !e["breached"]!.GetValue<bool>());

        // 3 minutes on: past the outage's 50% warning (2.5 min), not yet its acknowledge deadline (5 min).
        await Clock.RunDueAsync(reportedAt + Minutes(3), outage, majorId);
        var warned = (await desk.GetJsonAsync($"/api/v1/sla/board?system={system}&class=outage"))["entries"]!.AsArray();
        warned.ShouldAllBe(e => e!["class"]!.GetValue<string>() == "outage");
        var acknowledge = warned.Single(e => e!["stage"]!.GetValue<string>() == "acknowledge")!;
        acknowledge["warning"]!.GetValue<bool>().ShouldBeTrue();
        acknowledge["breached"]!.GetValue<bool>().ShouldBeFalse();

        await Clock.RunDueAsync(reportedAt + Minutes(6), outage, majorId);
        var later = (await desk.GetJsonAsync($"/api/v1/sla/board?system={system}&class=outage"))["entries"]!.AsArray();
        later.ShouldAllBe(e => e!["class"]!.GetValue<string>() == "outage");
        later.Single(e => e!["stage"]!.GetValue<string>() == "acknowledge")!["breached"]!.GetValue<bool>().ShouldBeTrue();
        later.ShouldContain(e => e!["incidentId"]!.GetValue<Guid>() == outage);

        await desk.StepOkAsync(outage, "acknowledge");
        await desk.StepOkAsync(outage, "responders", new { responderId = "eng-1", name = "Eng One" });
        await desk.StepOkAsync(outage, "restore", new { summary = "Rebooted" });
        var cleared = await desk.GetJsonAsync($"/api/v1/sla/board?system={system}&class=outage");
        cleared["entries"]!.AsArray().ShouldBeEmpty("a restored outage with someone acknowledged has no open stage");
    }

    [Fact]
    public async Task duplicated_and_concurrent_checks_never_record_a_stage_breach_twice()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        var due = Stage(await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla"), "acknowledge")["dueAt"]!.GetValue<DateTimeOffset>();
        await Clock.RunDueAsync(due - TimeSpan.FromSeconds(1), id);
        Clock.MoveTo(due + TimeSpan.FromSeconds(1));

        // Twelve copies of the due check at once (redelivered, or fired on two nodes), racing each other on the stream,
        // then the API's own timer for it.
        var bus = sla.Factory.Services.GetRequiredService<IMessageBus>();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => bus.InvokeAsync(new[] { new SlaCheckDue(id, due) })));
        (await Clock.RunDueAsync(Clock.Now, id)).ShouldBe(1, "the timer the API scheduled for the deadline ran too");

        var entries = await TimelineAsync(desk, id);
        OfType(entries, "sla-breached").Count(b => StageOf(b) == "acknowledge").ShouldBe(1);
        OfType(entries, "sla-warning-raised").Where(w => StageOf(w) == "acknowledge")
            .Select(w => w["data"]!["threshold"]!.GetValue<double>()).ShouldBe([0.5, 0.8], "each warning once");

        // The on-site breach is announced after the acknowledge one: once it is on the broker, a second acknowledge breach
        // would have been too.
        await Clock.RunDueAsync(due + TimeSpan.FromHours(1), id);
        var messages = await sla.Broker.WaitForAsync(id,
            m => m.Any(x => x.MessageType.EndsWith(":IncidentSlaBreached") && x.Message.GetProperty("stage").GetString() == "on-site"));
        messages.Count(m => m.MessageType.EndsWith(":IncidentSlaBreached") && m.Message.GetProperty("stage").GetString() == "acknowledge")
            .ShouldBe(1);
    }
}
