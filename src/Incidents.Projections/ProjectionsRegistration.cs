using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Projections.Drills;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using JasperFx.Events.Projections;
using Marten;

namespace Incidents.Projections;

public static class ProjectionsRegistration
{
    /// <summary>Registers the incident event types and the inline documents (the incident's one document, its KPI facts).</summary>
    /// <param name="kpiZone">The service's time zone the KPIs count days in (default Asia/Shanghai).</param>
    public static StoreOptions AddIncidentProjections(this StoreOptions options, TimeZoneInfo? kpiZone = null)
    {
        options.Events.AddEventTypes([.. IncidentDetailsProjection.LifecycleEvents, typeof(SlaWarningRaised), typeof(SlaBreached)]);
        options.Events.AddEventTypes(global::Incidents.Domain.Notifications.NotificationEventTypes.All);
        options.Events.AddEventType<global::Incidents.Domain.Escalation.EscalationLevelRaised>();

        options.Projections.Add(new IncidentDetailsProjection(), ProjectionLifecycle.Inline);
        Kpis.IncidentKpiFactsProjection.Configure(options,
            kpiZone ?? TimeZoneInfo.FindSystemTimeZoneById(global::Incidents.Domain.Kpis.KpiPeriod.DefaultTimeZone));

        options.Schema.For<IncidentDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Class)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.ReportedAt)
            .Duplicate(x => x.IsDrill)
            // The hotline board: open stages, least time left first.
            .Duplicate(x => x.HasOpenStage)
            .Duplicate(x => x.NextDueAt);

        return options;
    }

    /// <summary>Registers the drill event types and the inline drill read model.</summary>
    public static StoreOptions AddDrillProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(DrillEventTypes.All);
        options.Projections.Add(new DrillDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<DrillDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Kind)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.PlannedStart);
        return options;
    }
}
