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

    /// <summary>Marten: the event store and read models in PostgreSQL, integrated with Wolverine's outbox.</summary>
    public static IServiceCollection AddIncidentsPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = Tuned(ConnectionStrings.Require(configuration, ConnectionStrings.Marten));
        services.AddMarten(options =>
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
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();
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
