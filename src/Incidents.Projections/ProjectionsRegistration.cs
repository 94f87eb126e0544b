using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using JasperFx.Events.Projections;
using Marten;

namespace Incidents.Projections;

public static class ProjectionsRegistration
{
    /// <summary>Registers the incident event types, the live write model and the inline read models.</summary>
    public static StoreOptions AddIncidentProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(
        [
            typeof(IncidentReported), typeof(IncidentReclassified), typeof(IncidentAcknowledged), typeof(ResponderAssigned),
            typeof(ResponderDispatched), typeof(ResponderArrivedOnSite), typeof(ServiceRestored), typeof(IncidentResolved),
            typeof(IncidentClosed), typeof(IncidentReopened), typeof(IncidentCancelled), typeof(IncidentCommentAdded),
        ]);

        options.Projections.Add(new IncidentAggregation(), ProjectionLifecycle.Live);
        options.Projections.Add(new IncidentDetailsProjection(), ProjectionLifecycle.Inline);

        options.Schema.For<IncidentDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Class)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.ReportedAt)
            .Duplicate(x => x.IsDrill);

        return options;
    }
}
