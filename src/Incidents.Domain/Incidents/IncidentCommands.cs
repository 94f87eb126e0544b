using Incidents.Domain.Escalation;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Incidents;

public sealed record ReportIncident(
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
    EscalationChain? Escalation = null,
    DateTimeOffset? OccurredAt = null);

public sealed record ReclassifyIncident(IncidentClass To, string Reason, Actor By);

public sealed record AcknowledgeIncident(Actor By);

public sealed record AssignResponder(Responder Responder, Actor By);

public sealed record DispatchResponder(string ResponderId, string? Note, Actor By);

public sealed record RecordArrivalOnSite(string ResponderId, Actor By);

public sealed record RestoreService(string Summary, Actor By);

public sealed record ResolveIncident(string Summary, CauseCategory Cause, Actor By);

public sealed record CloseIncident(int? Satisfaction, string? Feedback, Actor By);

public sealed record ReopenIncident(string Reason, Actor By);

public sealed record CancelIncident(CancellationReason Reason, Guid? DuplicateOf, string Explanation, Actor By);

/// <param name="PerHour">The cap of comments per incident per hour (<see cref="CommentLimit"/>); the desk's configuration.</param>
public sealed record CommentOnIncident(Guid CommentId, string Text, Actor By, int PerHour = CommentLimit.DefaultPerHour);
