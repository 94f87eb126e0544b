using Incidents.Domain.Assurance;
using JasperFx.Events.Projections;
using Marten;

namespace Incidents.Projections.Assurance;

public static class AssuranceRegistration
{
    /// <summary>
    /// Registers the key-assurance periods and resource adjustments (event types, inline documents) and the incident notice
    /// that pins a period's tighter policy (<see cref="IncidentUnderKeyAssurance"/>).
    /// </summary>
    public static StoreOptions AddKeyAssuranceProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(KeyAssuranceEventTypes.All);
        options.Events.AddEventTypes(ResourceAdjustmentEventTypes.All);
        options.Events.AddEventType<IncidentUnderKeyAssurance>();
        options.Projections.Add(new KeyAssurancePeriodDetailsProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new ResourceAdjustmentDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<KeyAssurancePeriodDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Start)
            .Duplicate(x => x.End);
        options.Schema.For<ResourceAdjustmentDetails>()
            .Duplicate(x => x.PeriodId);
        return options;
    }
}
