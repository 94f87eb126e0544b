using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>
/// The KPIs aggregated in PostgreSQL (the default) give the figures of the complete in-memory computation
/// (<c>evidence=all</c>) for a mixed set of incidents worked through the API, at several instants and with every filter.
/// Means may differ in the last bits (PostgreSQL sums in its own order); evidence lists are the first ids of the complete ones.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KpiFastPathTests(ApiFixture api)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private IncidentsClient Supervisor => api.Client("sup-01", "Liu Yang", "supervisor");

    private static object Report(string system, string @class, bool drill = false) => new
    {
        title = $"{@class} on {system}",
        description = "Scripted for the KPI fast-path tests",
        affectedSystem = system,
        @class,
        channel = "phone",
        reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
        isDrill = drill,
    };

    private async Task<Guid> ReportAsync(string system, string @class, bool drill = false)
    {
        var client = drill ? api.Client("drill-01", "Sun Yu", "drill-coordinator") : api.Client();
        var response = await client.ReportAsync(Report(system, @class, drill));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    private async Task ScriptAsync(string a, string b)
    {
        var desk = api.Client();
        var closed = await ReportAsync(a, "outage");
        await desk.StepOkAsync(closed, "acknowledge");
        await desk.StepOkAsync(closed, "restore", new { summary = "Failed over" });
        await desk.StepOkAsync(closed, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        await desk.StepOkAsync(closed, "close", new { satisfaction = 5 });
        var unhappy = await ReportAsync(a, "fault");
        await desk.StepOkAsync(unhappy, "acknowledge");
        await desk.StepOkAsync(unhappy, "resolve", new { summary = "Patched", cause = "software" });
        await desk.StepOkAsync(unhappy, "close", new { satisfaction = 2 });
        var major = await ReportAsync(a, "major-event");
        await desk.StepOkAsync(major, "acknowledge");
        await desk.StepOkAsync(major, "restore", new { summary = "Rerouted" });
        await ReportAsync(a, "security-event");
        var falseAlarm = await ReportAsync(a, "fault");
        await desk.StepOkAsync(falseAlarm, "cancel", new { reason = "false-alarm", explanation = "Test call" });
        var drill = await ReportAsync(a, "outage", drill: true);
        await desk.StepOkAsync(drill, "acknowledge");

        var reclassified = await ReportAsync(b, "outage");
        await desk.StepOkAsync(reclassified, "acknowledge");
        await desk.StepOkAsync(reclassified, "reclassify", new { @class = "major-event", reason = "Every hospital" });
        await desk.StepOkAsync(reclassified, "restore", new { summary = "Rebooted" });
        await desk.StepOkAsync(reclassified, "resolve", new { summary = "Root cause fixed", cause = "software" });
        await desk.StepOkAsync(reclassified, "close", new { });
        await desk.StepOkAsync(reclassified, "reopen", new { reason = "It is back" });
        var rated = await ReportAsync(b, "fault");
        await desk.StepOkAsync(rated, "acknowledge");
        await desk.StepOkAsync(rated, "resolve", new { summary = "Config fixed", cause = "configuration" });
        await desk.StepOkAsync(rated, "close", new { satisfaction = 4 });
        await ReportAsync(b, "outage");
        await ReportAsync(b, "major-event");
    }

    [Fact]
    public async Task the_aggregated_kpis_equal_the_complete_computation_for_every_instant_and_filter()
    {
        var prefix = $"kpifast-{Guid.NewGuid():N}"[..20];
        var (a, b) = ($"{prefix}-a", $"{prefix}-b");
        var now = DateTimeOffset.UtcNow;
        await ScriptAsync(a, b);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai);
        var (month, year, day) = (local.ToString("yyyy-MM"), local.ToString("yyyy"), local.ToString("yyyy-MM-dd"));

        var queries = new List<string>();
        // Before every step, while the clocks run, once the acknowledge and on-site clocks are past due, and days later.
        foreach (var asOf in new[] { now, DateTimeOffset.UtcNow, now.AddMinutes(10), now.AddHours(2), now.AddDays(2) })
        {
            var at = Uri.EscapeDataString(asOf.ToString("O"));
            queries.Add($"period={month}&system={a}&by=day&asOf={at}");
            queries.Add($"period={month}&system={b}&asOf={at}");
            queries.Add($"period={month}&system={a}&drills=include&by=day&asOf={at}");
            queries.Add($"period={month}&system={a}&drills=only&asOf={at}");
            queries.Add($"period={month}&system={b}&class=outage,major-event&asOf={at}");
            queries.Add($"period={day}&system={a}&asOf={at}");
            // Everything in the store this month and year (other tests' incidents too): many systems, lists longer than the cap.
            queries.Add($"period={month}&by=day&asOf={at}");
            queries.Add($"period={year}&by=month&drills=include&asOf={at}");
        }

        // Judged at the default instant (the period's end, or now): from the pre-aggregated cells; compared with the complete
        // computation at the instant the fast answer was judged at.
        var defaults = new[]
        {
            $"period={month}&system={a}&by=day", $"period={month}&system={b}", $"period={month}&system={a}&drills=include&by=day",
            $"period={month}&system={a}&drills=only", $"period={month}&system={b}&class=outage,major-event", $"period={day}&system={a}",
            $"period={month}&by=day", $"period={year}&by=month&drills=include", $"period={year}", $"period={year}&drills=only",
        };
        foreach (var query in queries.Select(q => (Query: q, Pinned: true)).Concat(defaults.Select(q => (Query: q, Pinned: false))))
        {
            var fast = await Supervisor.GetJsonAsync($"/api/v1/kpis?{query.Query}");
            var at = query.Pinned ? "" : "&asOf=" + Uri.EscapeDataString(fast["asOf"]!.GetValue<DateTimeOffset>().ToString("O"));
            var complete = await Supervisor.GetJsonAsync($"/api/v1/kpis?{query.Query}{at}&evidence=all");
            fast["evidenceLimit"]!.GetValue<int>().ShouldBeGreaterThan(0);
            complete["evidenceLimit"].ShouldBeNull();
            foreach (var part in new[] { "figures", "buckets", "perClass", "perSystem" })
            {
                KpiComparison.Same(fast[part], complete[part], fast["evidenceLimit"]!.GetValue<int>(), $"{query.Query}: {part}");
            }
        }
    }

    [Fact]
    public async Task the_csv_export_is_the_same_from_the_aggregates()
    {
        var prefix = $"kpifast-{Guid.NewGuid():N}"[..20];
        await ScriptAsync($"{prefix}-a", $"{prefix}-b");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).ToString("yyyy-MM");
        var at = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        var fast = await Supervisor.Http.GetStringAsync($"/api/v1/kpis.csv?period={local}&system={prefix}-a&by=day&asOf={at}");
        var complete = await Supervisor.Http.GetStringAsync($"/api/v1/kpis.csv?period={local}&system={prefix}-a&by=day&asOf={at}&evidence=all");
        var (fastLines, completeLines) = (fast.Split('\n'), complete.Split('\n'));
        fastLines.Length.ShouldBe(completeLines.Length);
        foreach (var (f, c) in fastLines.Zip(completeLines))
        {
            var (ff, cf) = (f.Split(','), c.Split(','));
            ff.Length.ShouldBe(cf.Length, c);
            foreach (var (x, y) in ff.Zip(cf))
            {
                if (double.TryParse(x, CultureInfo.InvariantCulture, out var dx) && double.TryParse(y, CultureInfo.InvariantCulture, out var dy))
                {
                    Math.Abs(dx - dy).ShouldBeLessThanOrEqualTo(1e-9 * Math.Max(1, Math.Abs(dy)), c);
                }
                else
                {
                    x.ShouldBe(y, c);
                }
            }
        }
    }
}
