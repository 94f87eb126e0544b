using Incidents.Domain.Incidents;

namespace Incidents.Domain.Drills;

/// <summary>The exercises the contract asks for (requirements: Drills and key-assurance periods).</summary>
public enum DrillKind
{
    CloudPlatformEmergencyDrill,
    DataDisasterRecoveryDrill,
    EmergencyPlanExercise,
    SecurityIncidentDrill,
}

/// <summary>Where a drill is in its life.</summary>
public enum DrillStatus
{
    /// <summary>Planned; starts by itself at its planned start (or by hand earlier).</summary>
    Scheduled,

    /// <summary>Its synthetic incident has been reported and is being worked.</summary>
    Started,

    /// <summary>Ended by the coordinator, with objectives met and lessons learned. Final.</summary>
    Completed,

    /// <summary>Called off. Final.</summary>
    Cancelled,
}

/// <summary>What the drill plays: the synthetic incident's class and system, and the script the hotline will hear.</summary>
public sealed record DrillScenario(IncidentClass Class, string AffectedSystem, string Script);

/// <summary>
/// A scripted follow-up to the drill's incident, <see cref="Offset"/> after the drill started: the fault becomes an
/// outage (<see cref="ReclassifyTo"/>), the caller says something more (<see cref="Comment"/>), or both. Applied to the
/// synthetic incident by the drill script (<see cref="DrillInjects.Script"/>) through the same decider as a user's step.
/// </summary>
public sealed record DrillInject(TimeSpan Offset, string Description, IncidentClass? ReclassifyTo, string? Comment);

/// <summary>What became of an inject when it fell due.</summary>
public enum DrillInjectOutcome
{
    /// <summary>Its steps were recorded on the synthetic incident.</summary>
    Applied,

    /// <summary>The incident's decider refused it (resolved, closed, already of that class...); the reason is kept.</summary>
    Skipped,
}

/// <summary>The planned window of a drill on its system: [start, start + expected duration).</summary>
public sealed record DrillWindow(Guid DrillId, string AffectedSystem, DateTimeOffset Start, TimeSpan Duration)
{
    public DateTimeOffset End => Start + Duration;

    public bool Overlaps(DrillWindow other) =>
        string.Equals(AffectedSystem, other.AffectedSystem, StringComparison.OrdinalIgnoreCase)
        && Start < other.End && other.Start < End;
}

/// <summary>
/// What the scheduling rules need to know beyond the drill itself: the systems drills may run on and the windows
/// already booked by other drills that are still scheduled or running.
/// </summary>
public sealed record DrillBookings(IReadOnlyCollection<string> KnownSystems, IReadOnlyList<DrillWindow> Booked)
{
    public static readonly DrillBookings None = new([], []);
}
