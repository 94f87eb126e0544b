using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Clocks;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Incidents.IntegrationTests.Sla;

/// <summary>
/// The response clock against real PostgreSQL and RabbitMQ, with a policy in seconds: outage acknowledge 2 s, on site
/// 4 s, restore 6 s; major event acknowledge 1 s; warnings at 50% and 80%.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class SlaClockTests(SlaFixture sla)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static string System() => $"sla-{Guid.NewGuid():N}";

    private static async Task<JsonArray> TimelineAsync(IncidentsClient client, Guid id) =>
        (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray();

    private static IEnumerable<JsonNode> OfType(JsonArray entries, string type) =>
        entries.Where(e => e!["type"]!.GetValue<string>() == type).Select(e => e!);

    private static JsonNode Stage(JsonNode clocks, string stage) =>
        clocks["stages"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == stage)!;

    [Fact]
    public async Task an_outage_nobody_acknowledges_warns_at_50_and_80_percent_then_breaches_every_stage_once()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());

        var entries = await Eventually.GetAsync(() => TimelineAsync(desk, id),
            e => OfType(e, "sla-breached").Count() == 3, Patience, "three breaches");

        // Each warning at most once, stamped at its threshold; the 50% ones always come (a check that runs after a
        // stage's due time skips that stage's warnings, which can happen to an 80% one on a loaded machine).
        var warnings = OfType(entries, "sla-warning-raised").Select(e => e["data"]!).ToList();
        var marks = warnings.Select(w => (w["stage"]!.GetValue<string>(), w["threshold"]!.GetValue<double>())).ToList();
        marks.Distinct().Count().ShouldBe(marks.Count, "no warning twice");
        marks.ShouldContain(("acknowledge", 0.5));
        marks.ShouldContain(("on-site", 0.5));
        marks.ShouldContain(("restore", 0.5));
        marks.ShouldAllBe(m => m.Item2 == 0.5 || m.Item2 == 0.8);

        var reportedAt = entries[0]!["at"]!.GetValue<DateTimeOffset>();
        var breaches = OfType(entries, "sla-breached").ToList();
        breaches.Select(b => b["data"]!["stage"]!.GetValue<string>()).ShouldBe(["acknowledge", "on-site", "restore"]);
        breaches.Select(b => b["at"]!.GetValue<DateTimeOffset>() - reportedAt)
            .ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)]);
        foreach (var breach in breaches)
        {
            var late = breach["recordedAt"]!.GetValue<DateTimeOffset>() - breach["at"]!.GetValue<DateTimeOffset>();
            late.ShouldBeLessThan(TimeSpan.FromSeconds(5), "a breach is recorded within moments of its due time");
            breach["by"]!["id"]!.GetValue<string>().ShouldBe("system");
        }

        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        clocks["policy"]!.GetValue<string>().ShouldBe("tests-short@v1");
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
        messages.Count(m => m.MessageType.EndsWith(":IncidentSlaWarning")).ShouldBe(warnings.Count, "one message per warning recorded");
        messages.Where(m => m.MessageType.EndsWith(":IncidentSlaBreached"))
            .Select(m => m.Message.GetProperty("target").GetString()).ShouldBe(["PT2S", "PT4S", "PT6S"]);
    }

    [Fact]
    public async Task acknowledging_in_time_meets_the_stage_and_no_breach_of_it_ever_follows()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        await desk.StepOkAsync(id, "acknowledge");

        // Wait until the on-site stage (4 s) has breached: by then the acknowledge due time (2 s) is long past.
        var entries = await Eventually.GetAsync(() => TimelineAsync(desk, id),
            e => OfType(e, "sla-breached").Any(b => b["data"]!["stage"]!.GetValue<string>() == "on-site"), Patience, "on-site breach");

        OfType(entries, "sla-breached").ShouldNotContain(b => b["data"]!["stage"]!.GetValue<string>() == "acknowledge");
        OfType(entries, "sla-warning-raised").ShouldNotContain(w => w["data"]!["stage"]!.GetValue<string>() == "acknowledge");
        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        Stage(clocks, "acknowledge")["status"]!.GetValue<string>().ShouldBe("met");
        Stage(clocks, "acknowledge")["remaining"].ShouldBeNull();
    }

    [Fact]
    public async Task a_late_acknowledgement_is_met_late_and_the_breach_stays_on_record()
    {
        var desk = sla.Client();
        var id = await desk.ReportOutageAsync(System());
        await Eventually.GetAsync(() => TimelineAsync(desk, id),
            e => OfType(e, "sla-breached").Any(), Patience, "acknowledge breach");

        await desk.StepOkAsync(id, "acknowledge");

        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        var acknowledge = Stage(clocks, "acknowledge");
        acknowledge["status"]!.GetValue<string>().ShouldBe("met-late");
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
        var before = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        Stage(before, "restore")["status"]!.GetValue<string>().ShouldBe("not-applicable");

        await desk.StepOkAsync(id, "reclassify", new { @class = "major-event", reason = "Whole province affected" });

        var after = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        var reportedAt = Stage(after, "acknowledge")["startedAt"]!.GetValue<DateTimeOffset>();
        Stage(after, "acknowledge")["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + TimeSpan.FromSeconds(1));
        Stage(after, "restore")["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(reportedAt + TimeSpan.FromSeconds(6));
        Stage(after, "restore")["target"]!.GetValue<string>().ShouldBe("PT6S");
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

        var board = await desk.GetJsonAsync($"/api/v1/sla/board?system={system}");
        var entries = board["entries"]!.AsArray();
        entries.Count.ShouldBe(6);
        var dues = entries.Select(e => e!["dueAt"]!.GetValue<DateTimeOffset>()).ToList();
        dues.ShouldBe(dues.Order().ToList());
        entries[0]!["incidentId"]!.GetValue<Guid>().ShouldBe(majorId);
        entries[0]!["stage"]!.GetValue<string>().ShouldBe("acknowledge");

        var later = await Eventually.GetAsync(() => desk.GetJsonAsync($"/api/v1/sla/board?system={system}&class=outage"),
            b => b["entries"]!.AsArray().Any(e => e!["breached"]!.GetValue<bool>()), Patience, "a breached outage stage on the board");
        later["entries"]!.AsArray().ShouldAllBe(e => e!["class"]!.GetValue<string>() == "outage");
        later["entries"]!.AsArray().ShouldContain(e => e!["incidentId"]!.GetValue<Guid>() == outage);

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
        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{id}/sla");
        var due = Stage(clocks, "acknowledge")["dueAt"]!.GetValue<DateTimeOffset>();
        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));

        var bus = sla.Factory.Services.GetRequiredService<IMessageBus>();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => bus.SendAsync(new SlaCheckDue(id, due)).AsTask()));

        var entries = await Eventually.GetAsync(() => TimelineAsync(desk, id),
            e => OfType(e, "sla-breached").Any(b => b["data"]!["stage"]!.GetValue<string>() == "on-site"), Patience, "on-site breach");
        await Task.Delay(500);
        entries = await TimelineAsync(desk, id);
        OfType(entries, "sla-breached").Count(b => b["data"]!["stage"]!.GetValue<string>() == "acknowledge").ShouldBe(1);
        var acknowledgeWarnings = OfType(entries, "sla-warning-raised")
            .Where(w => w["data"]!["stage"]!.GetValue<string>() == "acknowledge")
            .Select(w => w["data"]!["threshold"]!.GetValue<double>()).ToList();
        acknowledgeWarnings.Distinct().Count().ShouldBe(acknowledgeWarnings.Count, "no warning twice");
        var messages = sla.Broker.For(id);
        messages.Count(m => m.MessageType.EndsWith(":IncidentSlaBreached") && m.Message.GetProperty("stage").GetString() == "acknowledge")
            .ShouldBe(1);
    }
}
