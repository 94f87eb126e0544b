using Incidents.Api.Incidents.Reporting;
using Incidents.Api.Security.Integrity;
using Incidents.Projections;
using Incidents.Projections.Assurance;
using Incidents.Projections.Duty;
using Incidents.Projections.Maintenance;
using JasperFx;
using Marten;
using Weasel.Core;
using Wolverine.Marten;

namespace Incidents.Api.Configuration;

public static class PersistenceConfiguration
{
    public const string Schema = "incidents";

    /// <summary>Whether the API creates and updates its tables at start-up (docs/security.md, database roles).</summary>
    public const string ApplySchemaSetting = "Database:ApplySchemaOnStartup";

    /// <summary>
    /// Off in Production unless configured: there the API connects as a role that cannot run DDL (<c>incidents_app</c>), and
    /// the schema is applied beforehand by the owner role (<c>db-apply</c>). On elsewhere, so development and tests need no
    /// separate step.
    /// </summary>
    public static bool AppliesSchemaOnStartup(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>(ApplySchemaSetting) ?? !environment.IsProduction();

    /// <summary>Marten: the event store and read models in PostgreSQL, integrated with Wolverine's outbox.</summary>
    /// <param name="applySchema">Create and update the schema at start-up (<see cref="AppliesSchemaOnStartup"/>); when false
    /// the API never runs DDL (Marten <c>AutoCreate.None</c>), and <c>db-apply</c> still applies the schema on demand.</param>
    public static IServiceCollection AddIncidentsPersistence(this IServiceCollection services, IConfiguration configuration,
        bool applySchema = true)
    {
        var connectionString = Tuned(ConnectionStrings.Require(configuration, ConnectionStrings.Marten));
        var marten = services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = Schema;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                options.Events.MetadataConfig.CausationIdEnabled = true;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.Events.MetadataConfig.UserNameEnabled = true;
                options.Events.AppendMode = JasperFx.Events.EventAppendMode.Quick;
                options.Events.UseIdentityMapForAggregates = true;
                options.AddIncidentProjections(Kpis.KpiData.Zone(configuration));
                options.AddDrillProjections();
                options.AddKeyAssuranceProjections();
                global::Incidents.Projections.Reports.ReportProjectionsRegistration.AddReportProjections(options);
                options.AddDutyProjections();
                options.AddMaintenanceProjections();
                options.AddIntakeProjections();
                options.Schema.For<ReportIdempotencyRecord>();
                options.Schema.For<IncidentChainHead>();
                options.Listeners.Add(new EventChainListener());
                options.AutoCreateSchemaObjects = applySchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;
            })
            .UseLightweightSessions();
        if (applySchema)
        {
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        marten.IntegrateWithWolverine();
        return services;
    }

    /// <summary>
    /// Npgsql settings that pay off for Marten's repetitive SQL, unless the connection string says otherwise: prepare the
    /// statements used more than once (PostgreSQL then skips parsing and planning them; roughly halves its CPU per
    /// report, see docs/benchmarks.md) and keep them across pooled connections (no DISCARD ALL on return).
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = connectionString.ToLowerInvariant();
        if (!given.Contains("max auto prepare", StringComparison.Ordinal))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("no reset on close", StringComparison.Ordinal))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
