using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Configuration;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Projections.Kpis;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>
/// An API of its own (own database) on a fake clock: the KPI cells hold only finished incidents (resolved or cancelled), so
/// the figures at the default instant add the open ones from their rows. The clock starts in 2030, after any real SLA
/// check could come due, and each test moves it to a year of its own.
/// </summary>
public sealed class KpiOpenIncidentsHost : IAsyncLifetime
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private WebApplicationFactory<Program>? _factory;

    public static string Database => TestServices.TestDatabase + "_kpiopen";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());

    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline") =>
        IncidentsClient.For(_factory!.CreateClient(), actorId, name, role);

    /// <summary>
    /// Moves the clock to 09:00 on 15 June of the next year (Shanghai) and returns that day: each test has a year of its own,
    /// so that even the store's whole year (the histogram path) holds only its incidents.
    /// </summary>
    public DateTime NextYear()
    {
        var local = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Shanghai);
        var next = new DateTimeOffset(local.Year + 1, 6, 15, 9, 0, 0, TimeSpan.FromHours(8));
        Clock.SetUtcNow(next.ToUniversalTime());
        return next.Date;
    }

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        _factory = TestHost.Create(Database).WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock)));
        using var client = _factory.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>Every row of a KPI cells table with its physical version (ctid, xmin): any insert or update changes it.</summary>
    public static async Task<string> RowsWithVersionsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select coalesce(string_agg(format('%s %s %s', ctid, xmin, t), E'\\n' order by ctid), '') from {PersistenceConfiguration.Schema}.{table} t",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class KpiOpenIncidentTests(KpiOpenIncidentsHost host) : IClassFixture<KpiOpenIncidentsHost>
{
    private static readonly string Schema = PersistenceConfiguration.Schema;

    private IncidentsClient Supervisor => host.Client("sup-01", "Liu Yang", "supervisor");

    private IncidentsClient Desk => host.Client();

    private async Task<Guid> ReportAsync(string system, string @class)
    {
        var response = await Desk.ReportAsync(new
        {
            title = $"{@class} on {system}",
            description = "Scripted for the KPI open-incident tests",
            affectedSystem = system,
            @class,
            channel = "phone",
            reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    private async Task StepAsync(Guid id, string step, object? body = null)
    {
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var response = await Desk.StepAsync(id, step, body ?? new { });
        response.IsSuccessStatusCode.ShouldBeTrue($"{step}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// The day, month and year at the default instant (from the cells and the open incidents' rows), each the same as the
    /// complete computation at that instant; returns the figures of each.
    /// </summary>
    private async Task<JsonNode[]> KpisAsync(DateTime day, string? system)
    {
        var filter = system is null ? "" : $"&system={system}";
        var answers = new List<JsonNode>();
        foreach (var period in new[] { day.ToString("yyyy-MM-dd"), day.ToString("yyyy-MM") + "&by=day", day.ToString("yyyy") + "&by=month" })
        {
            var fast = await Supervisor.GetJsonAsync($"/api/v1/kpis?period={period}{filter}");
            var at = Uri.EscapeDataString(fast["asOf"]!.GetValue<DateTimeOffset>().ToString("O"));
            var complete = await Supervisor.GetJsonAsync($"/api/v1/kpis?period={period}{filter}&asOf={at}&evidence=all");
            foreach (var part in new[] { "figures", "buckets", "perClass", "perSystem" })
            {
                KpiComparison.Same(fast[part], complete[part], fast["evidenceLimit"]!.GetValue<int>(), $"{period}{filter}: {part}");
            }

            answers.Add(fast["figures"]!);
        }

        return [.. answers];
    }

    private static int Stage(JsonNode figures, string stage, string count) =>
        figures["slaAttainment"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == stage)![count]!.GetValue<int>();

    private static Task<long> CellIncidentsAsync(string system) =>
        KpiOpenIncidentsHost.ScalarAsync($"select coalesce(sum(incidents), 0) from {Schema}.{KpiCells.CellsTable} where affected_system = '{system}'");

    [Fact]
    public async Task an_open_incident_counts_in_its_day_month_and_year_before_and_after_its_deadlines()
    {
        var day = host.NextYear();
        var system = $"kpi-open-{Guid.NewGuid():N}";
        var finished = await ReportAsync(system, "outage");
        await StepAsync(finished, "acknowledge");
        await StepAsync(finished, "restore", new { summary = "Failed over" });
        await StepAsync(finished, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        var open = await ReportAsync(system, "outage");
        (await CellIncidentsAsync(system)).ShouldBe(1, "only the resolved incident is in the cells");

        // Before its deadlines: every stage of the open outage runs.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var f in await KpisAsync(day, system))
        {
            f["incidents"]!.GetValue<int>().ShouldBe(2);
            (Stage(f, "acknowledge", "met"), Stage(f, "acknowledge", "missed"), Stage(f, "acknowledge", "running")).ShouldBe((1, 0, 1));
            Stage(f, "restore", "running").ShouldBe(1);
            f["faultResolutionRate"]!["numerator"]!.GetValue<int>().ShouldBe(1);
            f["faultResolutionRate"]!["denominator"]!.GetValue<int>().ShouldBe(2);
            f["faultResolutionRate"]!["shortfall"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([open]);
            f["availability"]!["outageSeconds"]!.GetValue<double>().ShouldBeGreaterThan(60);
        }

        // Past the acknowledge deadline (5 minutes), the on-site and restore clocks still run.
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var f in await KpisAsync(day, system))
        {
            (Stage(f, "acknowledge", "met"), Stage(f, "acknowledge", "missed"), Stage(f, "acknowledge", "running")).ShouldBe((1, 1, 0));
            f["slaAttainment"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == "acknowledge")!["missedIncidents"]!.AsArray()
                .Select(n => n!.GetValue<Guid>()).ShouldBe([open]);
            (Stage(f, "restore", "missed"), Stage(f, "restore", "running")).ShouldBe((0, 1));
        }

        // Past every deadline (restore: 4 hours).
        host.Clock.Advance(TimeSpan.FromHours(5));
        foreach (var f in await KpisAsync(day, system))
        {
            f["incidents"]!.GetValue<int>().ShouldBe(2);
            (Stage(f, "on-site", "running"), Stage(f, "restore", "missed"), Stage(f, "restore", "running")).ShouldBe((0, 1, 0));
        }

        // The whole store's day, month and year are this test's (the year's percentiles from the histograms).
        foreach (var f in await KpisAsync(day, null))
        {
            f["incidentIds"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([finished, open]);
            Stage(f, "acknowledge", "missed").ShouldBe(1);
        }

        (await CellIncidentsAsync(system)).ShouldBe(1);
    }

    [Fact]
    public async Task an_incident_resolved_into_the_cells_and_reopened_out_of_them_counts_once()
    {
        var day = host.NextYear();
        var system = $"kpi-move-{Guid.NewGuid():N}";
        var histogram = $"select coalesce(sum(n), 0) from {Schema}.{KpiCells.DurationsTable} where year = {day.Year}";
        var id = await ReportAsync(system, "fault");
        await StepAsync(id, "acknowledge");
        var durationsBefore = await KpiOpenIncidentsHost.ScalarAsync(histogram);

        async Task ShouldCount(long inCells, int resolved, long durations, double? secondsToResolve)
        {
            (await CellIncidentsAsync(system)).ShouldBe(inCells);
            (await KpiOpenIncidentsHost.ScalarAsync(histogram)).ShouldBe(durationsBefore + durations);
            // The system's day, month and year, and the store's (its year: p50/p90 from the histograms and the open incidents).
            foreach (var f in (await KpisAsync(day, system)).Concat(await KpisAsync(day, null)))
            {
                f["incidents"]!.GetValue<int>().ShouldBe(1);
                f["incidentIds"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([id]);
                f["timeToAcknowledge"]!["count"]!.GetValue<int>().ShouldBe(1);
                f["timeToAcknowledge"]!["p50Seconds"]!.GetValue<double>().ShouldBe(30);
                (f["timeToResolve"]!["p90Seconds"]?.GetValue<double>()).ShouldBe(secondsToResolve);
                f["faultResolutionRate"]!["numerator"]!.GetValue<int>().ShouldBe(resolved);
                f["faultResolutionRate"]!["denominator"]!.GetValue<int>().ShouldBe(1);
            }
        }

        await ShouldCount(0, 0, 0, null);
        await StepAsync(id, "resolve", new { summary = "Patched", cause = "software" });
        await ShouldCount(1, 1, 2, 60); // into the cells, with its times to acknowledge and to resolve
        await StepAsync(id, "close", new { satisfaction = 3 });
        await ShouldCount(1, 1, 2, 60);
        await StepAsync(id, "reopen", new { reason = "It is back" });
        await ShouldCount(0, 0, 0, null);
        await StepAsync(id, "resolve", new { summary = "Patched again", cause = "software" });
        await ShouldCount(1, 1, 2, 150);
    }

    [Fact]
    public async Task reporting_and_working_an_open_incident_leave_the_kpi_cells_untouched()
    {
        host.NextYear();
        var system = $"kpi-quiet-{Guid.NewGuid():N}";
        // A finished outage on the same day, class and system: the cell rows a report used to update exist.
        var finished = await ReportAsync(system, "outage");
        await StepAsync(finished, "acknowledge");
        await StepAsync(finished, "restore", new { summary = "Failed over" });
        await StepAsync(finished, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        string[] tables = [KpiCells.CellsTable, KpiCells.MonthCellsTable, KpiCells.DurationsTable];
        var before = await Task.WhenAll(tables.Select(KpiOpenIncidentsHost.RowsWithVersionsAsync));
        before.ShouldAllBe(rows => rows.Length > 0);

        var open = await ReportAsync(system, "outage");
        await StepAsync(open, "acknowledge");
        await StepAsync(open, "reclassify", new { @class = "major-event", reason = "Every hospital" });
        await StepAsync(open, "restore", new { summary = "Rerouted" });
        await StepAsync(open, "comments", new { text = "Watching it" });

        var after = await Task.WhenAll(tables.Select(KpiOpenIncidentsHost.RowsWithVersionsAsync));
        after.ShouldBe(before);

        // The resolution is what moves it into the cells.
        await StepAsync(open, "resolve", new { summary = "Root cause fixed", cause = "software" });
        (await Task.WhenAll(tables.Select(KpiOpenIncidentsHost.RowsWithVersionsAsync))).ShouldAllBe(rows => !before.Contains(rows));
    }
}
