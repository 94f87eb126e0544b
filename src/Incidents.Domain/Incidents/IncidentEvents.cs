using Incidents.Domain.Sla;

namespace Incidents.Domain.Incidents;

/// <summary>Every fact in an incident's life says which incident, who caused it and when.</summary>
public interface IIncidentEvent
{
    Guid IncidentId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// A fact the system records about an incident without changing it: SLA warnings and breaches, notification receipts.
/// Notices leave the incident's state alone, are not announced as lifecycle changes, and do not make a user's
/// <c>If-Match</c> stale.
/// </summary>
public interface IIncidentNotice : IIncidentEvent;

public sealed record IncidentReported(
    Guid IncidentId,
    string Title,
    string Description,
    string AffectedSystem,
    IncidentClass Class,
    IntakeChannel Channel,
    Reporter Reporter,
    bool IsDrill,
    Guid? DrillId,
    SlaPolicy SlaPolicy,
    Actor By,
    DateTimeOffset At,
    // When the failure began (monitoring's startsAt, or the caller's account); optional, and left out of the stored JSON when
    // absent so that events stored before it existed keep their bytes and their chain hash (issue #12).
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    DateTimeOffset? OccurredAt = null) : IIncidentEvent;

public sealed record IncidentReclassified(
    Guid IncidentId,
    IncidentClass From,
    IncidentClass To,
    string Reason,
    Actor By,
    DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentAcknowledged(Guid IncidentId, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record ResponderAssigned(Guid IncidentId, Responder Responder, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record ResponderDispatched(Guid IncidentId, string ResponderId, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record ResponderArrivedOnSite(Guid IncidentId, string ResponderId, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record ServiceRestored(Guid IncidentId, string Summary, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentResolved(
    Guid IncidentId,
    string Summary,
    CauseCategory Cause,
    Actor By,
    DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentClosed(
    Guid IncidentId,
    int? Satisfaction,
    string? Feedback,
    Actor By,
    DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentReopened(Guid IncidentId, string Reason, Actor By, DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentCancelled(
    Guid IncidentId,
    CancellationReason Reason,
    Guid? DuplicateOf,
    string Explanation,
    Actor By,
    DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentCommentAdded(Guid IncidentId, Guid CommentId, string Text, Actor By, DateTimeOffset At) : IIncidentEvent;
