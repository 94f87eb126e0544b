using Incidents.Api.Incidents.Reporting;
using Incidents.Api.Security.Integrity;
using Incidents.Projections;
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
        var connectionString = ConnectionStrings.Require(configuration, ConnectionStrings.Marten);
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
                options.AddIncidentProjections();
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
}
