namespace Incidents.Domain.Drills;

public sealed record ScheduleDrill(
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
    IReadOnlyList<DrillInject>? Injects = null);

public sealed record RescheduleDrill(DateTimeOffset PlannedStart, string? Reason, Actor By);

/// <summary>
/// Start the drill with its synthetic incident <see cref="IncidentId"/>. <see cref="ForPlannedStart"/> is set by the
/// scheduled start: it names the planned start the timer was made for, so a stale timer (the drill was rescheduled)
/// starts nothing. A start by hand leaves it null.
/// </summary>
public sealed record StartDrill(Guid IncidentId, DateTimeOffset? ForPlannedStart, Actor By)
{
    public bool ByHand => ForPlannedStart is null;
}

public sealed record CompleteDrill(IReadOnlyList<string> ObjectivesMet, string LessonsLearned, Actor By);

public sealed record CancelDrill(string Reason, Actor By);

/// <summary>Record what became of the inject at <see cref="Index"/> when it fell due for <see cref="IncidentId"/>.</summary>
public sealed record RecordDrillInject(int Index, Guid IncidentId, DrillInjectOutcome Outcome, string? Reason, Actor By);
