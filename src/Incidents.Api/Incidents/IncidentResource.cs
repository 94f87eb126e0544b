using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;

namespace Incidents.Api.Incidents;

public sealed record ResponderResource(
    string Id,
    string Name,
    string? Team,
    ResponderStage Stage,
    DateTimeOffset AssignedAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? ArrivedAt);

/// <summary>An incident as the API shows it. <c>version</c> is also sent as the ETag.</summary>
public sealed record IncidentResource(
    Guid Id,
    long Version,
    string Title,
    string Description,
    string AffectedSystem,
    IncidentClass Class,
    IncidentClass OriginalClass,
    IntakeChannel Channel,
    IncidentStatus Status,
    Reporter Reporter,
    bool IsDrill,
    Guid? DrillId,
    string SlaPolicy,
    DateTimeOffset ReportedAt,
    Actor ReportedBy,
    DateTimeOffset? AcknowledgedAt,
    Actor? AcknowledgedBy,
    IReadOnlyList<ResponderResource> Responders,
    DateTimeOffset? FirstArrivalAt,
    DateTimeOffset? RestoredAt,
    string? RestorationSummary,
    DateTimeOffset? ResolvedAt,
    string? ResolutionSummary,
    CauseCategory? Cause,
    DateTimeOffset? ClosedAt,
    int? Satisfaction,
    string? Feedback,
    DateTimeOffset? CancelledAt,
    CancellationReason? CancellationReason,
    Guid? DuplicateOf,
    int ReopenCount,
    int CommentCount,
    DateTimeOffset LastChangedAt,
    DateTimeOffset? OccurredAt = null,
    global::Incidents.Projections.Intake.IncidentAlerts? Alerts = null)
{
    /// <summary>The incident as this caller may see it: reporter contact details are masked for roles that do not call back.</summary>
    public static IncidentResource From(IncidentDetails d, HttpContext viewer) => new(
        d.Id, d.ChangeVersion, d.Title, d.Description, d.AffectedSystem, d.Class, d.OriginalClass, d.Channel, d.Status,
        IncidentAccess.ReporterFor(viewer, d.Reporter),
        d.IsDrill, d.DrillId, $"{d.SlaPolicyName}@v{d.SlaPolicyVersion}", d.ReportedAt, d.ReportedBy, d.AcknowledgedAt,
        d.AcknowledgedBy,
        d.Responders.Select(r => new ResponderResource(r.Id, r.Name, r.Team, r.Stage, r.AssignedAt, r.DispatchedAt, r.ArrivedAt)).ToList(),
        d.FirstArrivalAt, d.RestoredAt, d.RestorationSummary, d.ResolvedAt, d.ResolutionSummary, d.Cause, d.ClosedAt,
        d.Satisfaction, d.Feedback, d.CancelledAt, d.CancellationReason, d.DuplicateOf, d.ReopenCount, d.CommentCount,
        d.LastChangedAt, d.OccurredAt, d.Alerts);
}
