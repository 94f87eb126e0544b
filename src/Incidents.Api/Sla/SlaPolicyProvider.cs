using Incidents.Domain.Sla;

namespace Incidents.Api.Sla;

/// <summary>The SLA policy new incidents are reported under; its snapshot goes onto every IncidentReported.</summary>
public sealed class SlaPolicyProvider(SlaPolicy current)
{
    public SlaPolicy Current { get; } = current;
}
