using Incidents.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Weasel.Core;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>The service's time zone is checked when the API starts, not at the first KPI request; a restart leaves the KPI cells' schema alone.</summary>
public sealed class KpiStartupTests
{
    [Fact]
    public async Task an_unknown_time_zone_stops_the_start_with_a_message_naming_the_setting()
    {
        await using var factory = TestHost.Create(TestServices.TestDatabase, new Dictionary<string, string> { ["Kpis:TimeZone"] = "Mars/Olympus_Mons" });

        var refusal = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        refusal.Message.ShouldContain("Kpis:TimeZone 'Mars/Olympus_Mons'");
    }

    /// <summary>
    /// The cells' functions, triggers (with their WHEN clauses) and indexes are written as PostgreSQL renders them, so the
    /// start-up schema check finds nothing to change: a restart neither replaces the functions (their catalog rows keep their
    /// xmin) nor re-creates the triggers or indexes (same oids).
    /// </summary>
    [Fact]
    public async Task a_restart_finds_the_kpi_cells_schema_as_it_left_it()
    {
        var database = TestServices.TestDatabase + "_kpistart";
        await TestServices.RecreateDatabaseAsync(database);
        const string objects = """
            select string_agg(x, ', ' order by x) from (
              select 'trigger ' || tgname || ' ' || oid || ' ' || xmin from pg_trigger where tgname like 'kpi_cells_on_%'
              union all select 'function ' || proname || ' ' || oid || ' ' || xmin from pg_proc where proname in ('kpi_cells_track', 'kpi_duration_bucket')
              union all select 'relation ' || relname || ' ' || oid || ' ' || xmin from pg_class where relname like '%kpi%') o(x)
            """;
        async Task<string> ObjectsAsync()
        {
            await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(database));
            await connection.OpenAsync();
            return (string)(await new NpgsqlCommand(objects, connection).ExecuteScalarAsync())!;
        }

        await (await TestHost.StartAsync(database)).DisposeAsync();
        var first = await ObjectsAsync();
        first.ShouldContain("trigger kpi_cells_on_insert");

        await using var restarted = await TestHost.StartAsync(database);
        (await ObjectsAsync()).ShouldBe(first);
        var store = restarted.Services.GetRequiredService<IDocumentStore>();
        var cells = store.Storage.Database.BuildFeatureSchemas().Single(f => f.Identifier == "KpiCells");
        (await store.Storage.Database.CreateMigrationAsync(cells)).Difference.ShouldBe(SchemaPatchDifference.None);
    }
}
