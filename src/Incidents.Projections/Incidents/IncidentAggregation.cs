using Incidents.Domain.Incidents;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Incidents;

/// <summary>
/// Live aggregation of the <see cref="Incident"/> write model, delegating to the domain's pure Evolve,
/// so Marten needs no generated code for it.
/// </summary>
public sealed class IncidentAggregation : SingleStreamProjection<Incident, Guid>
{
    public override Incident? Evolve(Incident? snapshot, Guid id, IEvent e) => Incident.Evolve(snapshot, e.Data);
}
