using Incidents.Domain;
using Incidents.Domain.Incidents;

namespace Incidents.Projections.Incidents;

/// <summary>One responder as the desk sees them.</summary>
public sealed class ResponderView
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public string? Team { get; set; }

    public ResponderStage Stage { get; set; }

    public DateTimeOffset AssignedAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    public DateTimeOffset? ArrivedAt { get; set; }
}

/// <summary>
/// The read model behind "get one incident" and the incident list: kept inline, in the same transaction as the
/// events, so a read right after a write sees it.
/// </summary>
public sealed class IncidentDetails
{
    public Guid Id { get; set; }

    /// <summary>The stream version this view reflects; clients send it back as If-Match.</summary>
    public long Version { get; set; }

    public string Title { get; set; } = "";

    public string Description { get; set; } = "";

    public string AffectedSystem { get; set; } = "";

    public IncidentClass Class { get; set; }

    public IncidentClass OriginalClass { get; set; }

    public IntakeChannel Channel { get; set; }

    public IncidentStatus Status { get; set; }

    public Reporter Reporter { get; set; } = new("", null, null);

    public bool IsDrill { get; set; }

    public Guid? DrillId { get; set; }

    public string SlaPolicyName { get; set; } = "";

    public int SlaPolicyVersion { get; set; }

    public DateTimeOffset ReportedAt { get; set; }

    public Actor ReportedBy { get; set; } = Actor.System;

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public Actor? AcknowledgedBy { get; set; }

    public List<ResponderView> Responders { get; set; } = [];

    public DateTimeOffset? FirstArrivalAt { get; set; }

    public DateTimeOffset? RestoredAt { get; set; }

    public string? RestorationSummary { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? ResolutionSummary { get; set; }

    public CauseCategory? Cause { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int? Satisfaction { get; set; }

    public string? Feedback { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public CancellationReason? CancellationReason { get; set; }

    public Guid? DuplicateOf { get; set; }

    public int ReopenCount { get; set; }

    public int CommentCount { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }
}
