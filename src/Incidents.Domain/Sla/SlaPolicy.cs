using Incidents.Domain.Incidents;

namespace Incidents.Domain.Sla;

/// <summary>The three stages of the contract's response clock.</summary>
public enum SlaStage
{
    /// <summary>Someone acknowledges the incident (5 minutes; major events 1 minute).</summary>
    Acknowledge,

    /// <summary>People are on site (1 hour).</summary>
    OnSite,

    /// <summary>The service is restored (4 hours, outages and major events).</summary>
    Restore,
}

/// <summary>The response targets for one incident class. A null target means the stage does not apply to the class.</summary>
public sealed record SlaClassTargets(
    IncidentClass Class,
    TimeSpan? Acknowledge,
    TimeSpan? OnSite,
    TimeSpan? Restore)
{
    public TimeSpan? For(SlaStage stage) => stage switch
    {
        SlaStage.Acknowledge => Acknowledge,
        SlaStage.OnSite => OnSite,
        _ => Restore,
    };
}

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

    /// <summary>Everything wrong with this policy, in words an operator can act on; empty when it is sound.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("The policy needs a name.");
        }

        if (Version < 1)
        {
            problems.Add("The policy version must be 1 or more.");
        }

        foreach (var incidentClass in Enum.GetValues<IncidentClass>())
        {
            var count = Targets.Count(t => t.Class == incidentClass);
            if (count != 1)
            {
                problems.Add($"Class {incidentClass} must have exactly one set of targets (found {count}).");
            }
        }

        foreach (var targets in Targets)
        {
            foreach (var stage in Enum.GetValues<SlaStage>())
            {
                if (targets.For(stage) is { } target && target <= TimeSpan.Zero)
                {
                    problems.Add($"The {stage} target of class {targets.Class} must be positive (is {target}).");
                }
            }

            if (targets.Acknowledge is null)
            {
                problems.Add($"Class {targets.Class} needs an acknowledge target: every incident must be acknowledged.");
            }
        }

        if (WarningFractions.Any(f => f is <= 0 or >= 1 || double.IsNaN(f)))
        {
            problems.Add("Warning thresholds are fractions of the target strictly between 0 and 1, e.g. 0.5 and 0.8.");
        }

        if (WarningFractions.Distinct().Count() != WarningFractions.Count)
        {
            problems.Add("Warning thresholds must not repeat.");
        }

        return problems;
    }
}
