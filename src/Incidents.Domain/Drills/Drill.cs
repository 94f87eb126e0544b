namespace Incidents.Domain.Drills;

/// <summary>The write model of one drill: what the deciders need, rebuilt from the stream by <see cref="Evolve"/>.</summary>
public sealed record Drill(
    Guid Id,
    DrillStatus Status,
    string Title,
    DrillKind Kind,
    DrillScenario Scenario,
    DateTimeOffset PlannedStart,
    TimeSpan ExpectedDuration,
    IReadOnlyList<string> Objectives,
    Actor ScheduledBy,
    Guid? IncidentId,
    IReadOnlyList<DrillInject> Injects,
    IReadOnlyCollection<int> InjectsRecorded)
{
    public DrillWindow Window => new(Id, Scenario.AffectedSystem, PlannedStart, ExpectedDuration);

    /// <summary>The purchaser's last decision on the scorecard (issue #13), if any.</summary>
    public Reports.ReviewDecision? ScorecardReview { get; init; }

    public static Drill? Evolve(Drill? state, object @event) => (state, @event) switch
    {
        (_, DrillScheduled e) => new Drill(e.DrillId, DrillStatus.Scheduled, e.Title, e.Kind, e.Scenario, e.PlannedStart,
            e.ExpectedDuration, e.Objectives, e.By, null, e.Injects ?? [], new HashSet<int>()),
        (null, _) => null,
        (var s, DrillRescheduled e) => s with { PlannedStart = e.To },
        (var s, DrillStarted e) => s with { Status = DrillStatus.Started, IncidentId = e.IncidentId },
        (var s, DrillInjectApplied e) => s with { InjectsRecorded = new HashSet<int>(s.InjectsRecorded) { e.Index } },
        (var s, DrillCompleted) => s with { Status = DrillStatus.Completed },
        (var s, DrillCancelled) => s with { Status = DrillStatus.Cancelled },
        (var s, Reports.DrillScorecardConfirmed e) => s with { ScorecardReview = new Reports.ReviewDecision(true, e.Comment, e.By, e.At) },
        (var s, Reports.DrillScorecardReturned e) => s with { ScorecardReview = new Reports.ReviewDecision(false, e.Comment, e.By, e.At) },
        (var s, _) => s,
    };

    public static Drill? From(IEnumerable<object> events) => events.Aggregate((Drill?)null, Evolve);
}
