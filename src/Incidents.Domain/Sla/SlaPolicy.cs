using Incidents.Domain.Incidents;

namespace Incidents.Domain.Sla;

/// <summary>The response targets for one incident class. A null target means the stage does not apply to the class.</summary>
public sealed record SlaClassTargets(
    IncidentClass Class,
    TimeSpan? Acknowledge,
    TimeSpan? OnSite,
    TimeSpan? Restore);

/// <summary>
/// A versioned SLA policy: targets for every incident class and the warning thresholds as fractions of each target.
/// A snapshot of the whole policy is recorded on <see cref="IncidentReported"/>, so a later policy change never
/// rewrites an old incident's clock, and a reclassification re-targets from the policy the incident started under.
/// </summary>
public sealed record SlaPolicy(
    string Name,
    int Version,
    IReadOnlyList<SlaClassTargets> Targets,
    IReadOnlyList<double> WarningFractions)
{
    /// <summary>The service contract's clock (requirements: 2.2.6 standard 1, 3.1 item 3).</summary>
    public static SlaPolicy ContractDefault { get; } = new(
        "contract-2026",
        1,
        [
            new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
            new SlaClassTargets(IncidentClass.MajorEvent, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
            new SlaClassTargets(IncidentClass.Fault, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), null),
            new SlaClassTargets(IncidentClass.SecurityEvent, TimeSpan.FromMinutes(5), null, null),
        ],
        [0.5, 0.8]);

    public SlaClassTargets For(IncidentClass incidentClass) =>
        Targets.FirstOrDefault(t => t.Class == incidentClass) ?? new SlaClassTargets(incidentClass, null, null, null);
}
