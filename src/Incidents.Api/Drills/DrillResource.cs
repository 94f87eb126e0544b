using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Projections.Drills;

namespace Incidents.Api.Drills;

public sealed record DrillScenarioResource(IncidentClass Class, string AffectedSystem, string Script);

/// <summary>Where an inject stands: not due yet, applied, skipped (with the reason), or never fired (the drill ended first).</summary>
public enum DrillInjectStatus
{
    Pending,
    Applied,
    Skipped,
    NotFired,
}

/// <summary>
/// One scripted follow-up: its plan, when it falls due (<c>plannedAt</c>: the actual start plus the offset once the drill
/// started, the planned start plus the offset before), and, once handled, when and with which outcome.
/// </summary>
public sealed record DrillInjectResource(
    int Index,
    TimeSpan Offset,
    string Description,
    IncidentClass? ReclassifyTo,
    string? Comment,
    DateTimeOffset PlannedAt,
    DrillInjectStatus Status,
    string? Reason,
    DateTimeOffset? RecordedAt)
{
    public static IReadOnlyList<DrillInjectResource> From(DrillDetails d) => d.Injects.Select(i => new DrillInjectResource(
        i.Index, i.Offset, i.Description, i.ReclassifyTo, i.Comment, i.DueAt ?? d.PlannedStart + i.Offset,
        i.Outcome switch
        {
            DrillInjectOutcome.Applied => DrillInjectStatus.Applied,
            DrillInjectOutcome.Skipped => DrillInjectStatus.Skipped,
            _ => d.Status is DrillStatus.Completed or DrillStatus.Cancelled ? DrillInjectStatus.NotFired : DrillInjectStatus.Pending,
        },
        i.Reason, i.RecordedAt)).ToList();
}

public sealed record DrillLinks(string Self, string? Incident, string Scorecard);

/// <summary>A drill as the API shows it. <c>version</c> is also sent as the ETag.</summary>
public sealed record DrillResource(
    Guid Id,
    long Version,
    string Title,
    DrillKind Kind,
    DrillStatus Status,
    DrillScenarioResource Scenario,
    DateTimeOffset PlannedStart,
    DateTimeOffset PlannedEnd,
    TimeSpan ExpectedDuration,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> Observers,
    IReadOnlyList<string> Objectives,
    Actor ScheduledBy,
    DateTimeOffset ScheduledAt,
    int RescheduleCount,
    Guid? IncidentId,
    DateTimeOffset? StartedAt,
    Actor? StartedBy,
    bool StartedByHand,
    DateTimeOffset? CompletedAt,
    Actor? CompletedBy,
    IReadOnlyList<string> ObjectivesMet,
    string? LessonsLearned,
    DateTimeOffset? CancelledAt,
    string? CancellationReason,
    DateTimeOffset LastChangedAt,
    IReadOnlyList<DrillInjectResource> Injects,
    DrillLinks Links)
{
    /// <summary>The purchaser's last decision on the scorecard (confirmed or returned with a comment), if any.</summary>
    public global::Incidents.Domain.Reports.ReviewDecision? ScorecardReview { get; init; }

    public static DrillResource From(DrillDetails d) => new(
        d.Id, d.Version, d.Title, d.Kind, d.Status, new DrillScenarioResource(d.Class, d.AffectedSystem, d.Script),
        d.PlannedStart, d.PlannedEnd, d.ExpectedDuration, d.Participants, d.Observers, d.Objectives, d.ScheduledBy, d.ScheduledAt,
        d.RescheduleCount, d.IncidentId, d.StartedAt, d.StartedBy, d.StartedByHand, d.CompletedAt, d.CompletedBy, d.ObjectivesMet,
        d.LessonsLearned, d.CancelledAt, d.CancellationReason, d.LastChangedAt, DrillInjectResource.From(d),
        new DrillLinks($"/api/v1/drills/{d.Id}", d.IncidentId is { } incident ? $"/api/v1/incidents/{incident}" : null,
            $"/api/v1/drills/{d.Id}/scorecard"))
    {
        ScorecardReview = d.State?.ScorecardReview,
    };
}
