using Incidents.Api.Kpis;
using Incidents.Api.Security.Integrity;
using Incidents.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// <c>verify --period</c> (issue #14): the KPI read models the monthly report is computed from — each incident's KPI row and
/// the pre-aggregated cells — are re-derived from the verified events, and whatever someone changed in them directly in
/// PostgreSQL is named. Each test looks only at its own incident and cells, before and after its change.
/// </summary>
/// <remarks>A database of its own: the read models changed here must not show in other tests.</remarks>
public sealed class KpiVerificationTests(KpiVerificationTests.OwnHost own) : IClassFixture<KpiVerificationTests.OwnHost>
{
    private static string Database => TestServices.TestDatabase + "_kpiverify";

    public sealed class OwnHost : IAsyncLifetime
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await TestServices.RecreateDatabaseAsync(Database);
            Factory = await TestHost.StartAsync(Database, clock: new FakeTimeProvider(TestClock.Start));
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private static readonly DateOnly Month = new(TestClock.Start.Year, TestClock.Start.Month, 1);

    private static Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        TestServices.ExecuteOnAsync(Database, sql, parameters);

    private async Task<KpiVerificationReport> VerifyAsync()
    {
        var services = own.Factory.Services;
        return await KpiVerification.VerifyMonthAsync(services.GetRequiredService<IDocumentStore>(), Month,
            KpiData.Zone(services.GetRequiredService<IConfiguration>()), services.GetRequiredService<ChainAnchors>().Read(),
            CancellationToken.None);
    }

    /// <summary>A resolved outage of a system of its own (so it counts in the cells), and that system.</summary>
    private async Task<(Guid Id, string System)> ResolvedOutageAsync(string prefix)
    {
        var desk = IncidentsClient.For(own.Factory.CreateClient());
        var system = $"{prefix}-{Guid.NewGuid():N}";
        var id = await desk.ReportOutageAsync(system);
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "restore", new { summary = "Failed over" });
        await desk.StepOkAsync(id, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        return (id, system);
    }

    private static IReadOnlyList<KpiDisagreement> About(KpiVerificationReport report, string key) =>
        report.Disagreements.Where(d => d.Key.Contains(key, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task an_edited_kpi_cell_is_reported_for_the_day_and_not_for_the_month_it_still_matches()
    {
        var (_, system) = await ResolvedOutageAsync("verify-cell");
        var before = await VerifyAsync();
        About(before, system).ShouldBeEmpty();
        before.Incidents.ShouldBeGreaterThan(0);

        (await ExecuteAsync("update incidents.kpi_cells set met_acknowledge = met_acknowledge + 5 where affected_system = @system",
            ("system", system))).ShouldBe(1);

        var after = About(await VerifyAsync(), system);
        var cell = after.ShouldHaveSingleItem();
        cell.ReadModel.ShouldBe("kpi_cells");
        cell.Reason.ShouldContain("met_acknowledge 6 (derived 1)");
    }

    [Fact]
    public async Task an_edited_column_of_a_kpi_row_is_reported()
    {
        var (id, _) = await ResolvedOutageAsync("verify-column");
        About(await VerifyAsync(), id.ToString()).ShouldBeEmpty();

        // What the KPI query reads: the column, not the document.
        (await ExecuteAsync("update incidents.mt_doc_incidentkpifacts set acknowledge_seconds = 1 where id = @id", ("id", id))).ShouldBe(1);

        About(await VerifyAsync(), id.ToString()).ShouldContain(d => d.Reason.Contains("acknowledge_seconds"));
    }

    [Fact]
    public async Task a_kpi_row_and_its_cells_rewritten_consistently_still_disagree_with_the_events()
    {
        var (id, system) = await ResolvedOutageAsync("verify-row");

        // A careful insider: the satisfied count and the rating, in the document, the column and the cells alike.
        await ExecuteAsync(
            "update incidents.mt_doc_incidentkpifacts set rating = 5, data = jsonb_set(data, '{rating}', '5') where id = @id", ("id", id));
        await ExecuteAsync(
            "update incidents.kpi_cells set rated = rated + 1, satisfied = satisfied + 1 where affected_system = @system", ("system", system));
        await ExecuteAsync(
            "update incidents.kpi_month_cells set rated = rated + 1, satisfied = satisfied + 1 where affected_system = @system", ("system", system));

        var found = About(await VerifyAsync(), id.ToString());
        found.ShouldContain(d => d.ReadModel == "mt_doc_incidentkpifacts" && d.Reason.Contains("differs from what the incident's events make of it"));
    }

    [Fact]
    public async Task an_incident_whose_events_were_rewritten_is_reported_rather_than_trusted()
    {
        var (id, _) = await ResolvedOutageAsync("verify-events");

        (await ExecuteAsync(
            "update incidents.mt_events set data = jsonb_set(data, '{affectedSystem}', '\"elsewhere\"') where stream_id = @id and version = 1",
            ("id", id))).ShouldBe(1);

        About(await VerifyAsync(), id.ToString()).ShouldContain(d => d.ReadModel == "events" && d.Reason.Contains("do not verify"));
    }

    [Fact]
    public async Task a_deleted_kpi_row_is_reported_and_its_cell_no_longer_adds_up()
    {
        var (id, system) = await ResolvedOutageAsync("verify-deleted");

        // Deleting the row runs the trigger, which takes the incident out of the cells: both read models now agree with each
        // other, and not with the events.
        (await ExecuteAsync("delete from incidents.mt_doc_incidentkpifacts where id = @id", ("id", id))).ShouldBe(1);

        var report = await VerifyAsync();
        About(report, id.ToString()).ShouldContain(d => d.Reason.Contains("missing"));
    }
}
