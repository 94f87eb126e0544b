using System.Net;
using Incidents.Api.Configuration;
using Incidents.IntegrationTests.Infrastructure;
using Npgsql;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// In Production the API connects as a role that cannot run DDL (issue #14): the owner applies the schema beforehand
/// (<c>db-apply</c>), the runtime role gets row rights only (<c>infra/runtime-role.sql</c>, the same grants
/// <c>infra/postgres.sh</c> gives <c>incidents_app</c>), and the API neither creates nor updates tables at start-up. The work
/// goes on as usual; a table cannot be created or changed.
/// </summary>
public sealed class RuntimeRoleTests
{
    private static string Database => TestServices.TestDatabase + "_roles";

    private static string AppRole => Database + "_app";

    [Fact]
    public async Task the_runtime_role_reports_and_acknowledges_but_cannot_create_or_alter_a_table()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        // The owner applies the schema: the same Weasel migration db-apply runs, here by a host that applies it at start-up.
        await (await TestHost.StartAsync(Database)).DisposeAsync();

        var password = Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(TestServices.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var role = new NpgsqlCommand(
                $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AppRole}') THEN CREATE ROLE {AppRole} LOGIN; END IF; END $$;"
                + $"ALTER ROLE {AppRole} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD '{password}';", admin);
            await role.ExecuteNonQueryAsync();
        }

        var owner = new NpgsqlConnectionStringBuilder(TestServices.AdminConnectionString).Username!;
        await TestServices.ExecuteOnAsync(Database, (await File.ReadAllTextAsync(RuntimeRoleSql()))
            .Replace("__OWNER__", owner).Replace("__APP__", AppRole).Replace("__SCHEMA__", PersistenceConfiguration.Schema)
            .Replace("__DATABASE__", Database));

        var runtime = new NpgsqlConnectionStringBuilder(TestServices.ConnectionStringFor(Database)) { Username = AppRole, Password = password }
            .ConnectionString;
        await using var host = await TestHost.StartAsync(Database, new Dictionary<string, string>
        {
            ["ConnectionStrings:Marten"] = runtime,
            [PersistenceConfiguration.ApplySchemaSetting] = "false",
        });
        var desk = IncidentsClient.For(host.CreateClient());
        var id = await desk.ReportOutageAsync($"runtime-role-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        (await desk.Http.GetAsync($"/api/v1/incidents/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();
        foreach (var ddl in new[]
                 {
                     $"create table {PersistenceConfiguration.Schema}.smuggled (id int)",
                     "create table public.smuggled (id int)",
                     $"alter table {PersistenceConfiguration.Schema}.mt_events add column smuggled int",
                     $"drop trigger kpi_cells_on_update on {PersistenceConfiguration.Schema}.mt_doc_incidentkpifacts",
                     $"create schema smuggled",
                 })
        {
            await using var command = new NpgsqlCommand(ddl, connection);
            var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(), ddl);
            refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, ddl);
        }
    }

    /// <summary>The grants file of <c>infra/</c>, found from the test's output folder up to the repository.</summary>
    private static string RuntimeRoleSql()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "infra", "runtime-role.sql");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("infra/runtime-role.sql not found above " + AppContext.BaseDirectory);
    }
}
