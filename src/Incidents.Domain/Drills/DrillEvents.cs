using Incidents.Domain.Incidents;

namespace Incidents.Domain.Drills;

/// <summary>Every fact in a drill's life says which drill, who caused it and when.</summary>
public interface IDrillEvent
{
    Guid DrillId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

public sealed record DrillScheduled(
    Guid DrillId,
    string Title,
    DrillKind Kind,
    DrillScenario Scenario,
    DateTimeOffset PlannedStart,
    TimeSpan ExpectedDuration,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> Observers,
    IReadOnlyList<string> Objectives,
    Actor By,
    DateTimeOffset At,
    IReadOnlyList<DrillInject>? Injects = null) : IDrillEvent;

public sealed record DrillRescheduled(
    Guid DrillId,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Reason,
    Actor By,
    DateTimeOffset At) : IDrillEvent;

/// <summary>The drill's synthetic incident was reported (<see cref="IncidentReported.DrillId"/> points back here).</summary>
public sealed record DrillStarted(Guid DrillId, Guid IncidentId, bool StartedByHand, Actor By, DateTimeOffset At) : IDrillEvent;

/// <summary>
/// The inject at <see cref="Index"/> (in the drill's <see cref="DrillScheduled.Injects"/>) fell due for the incident
/// <see cref="IncidentId"/>: <see cref="DrillInjectOutcome.Applied"/>, or <see cref="DrillInjectOutcome.Skipped"/> with the
/// incident decider's refusal code as <see cref="Reason"/>.
/// </summary>
public sealed record DrillInjectApplied(
    Guid DrillId,
    int Index,
    Guid IncidentId,
    DrillInjectOutcome Outcome,
    string? Reason,
    Actor By,
    DateTimeOffset At) : IDrillEvent;

public sealed record DrillCompleted(
    Guid DrillId,
    IReadOnlyList<string> ObjectivesMet,
    string LessonsLearned,
    Actor By,
    DateTimeOffset At) : IDrillEvent;

public sealed record DrillCancelled(Guid DrillId, string Reason, Actor By, DateTimeOffset At) : IDrillEvent;

public static class DrillEventTypes
{
    public static readonly Type[] All =
        [typeof(DrillScheduled), typeof(DrillRescheduled), typeof(DrillStarted), typeof(DrillInjectApplied), typeof(DrillCompleted), typeof(DrillCancelled),
         typeof(Reports.DrillScorecardConfirmed), typeof(Reports.DrillScorecardReturned)];
}
