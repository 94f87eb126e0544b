namespace Incidents.Contracts;

// Integration messages exchanged over RabbitMQ. They are contracts, not the stored events: keep them stable,
// add fields rather than rename, and keep every type in this one namespace (MassTransit identifies a message by
// urn:message:Incidents.Contracts:<TypeName>). Enum-like values travel as lower-kebab strings.

/// <summary>Who caused the change.</summary>
public sealed record ActorInfo(string Id, string Name);

/// <summary>
/// A new incident was reported. When its class has an escalation chain, <see cref="FirstEscalation"/> is level 1, raised
/// in the same change (one message per change): a consumer pages its recipients as it would for an
/// <see cref="IncidentEscalated"/> message.
/// </summary>
public sealed record IncidentOpened(
    Guid IncidentId,
    string Title,
    string AffectedSystem,
    string Class,
    string Channel,
    bool IsDrill,
    Guid? DrillId,
    DateTimeOffset ReportedAt,
    ActorInfo ReportedBy,
    long StreamVersion,
    IncidentEscalated? FirstEscalation = null);

/// <summary>
/// A later step in an incident's life: acknowledged, reclassified, responder-assigned, responder-dispatched,
/// responder-on-site, service-restored, resolved, closed, reopened, cancelled, comment-added.
/// </summary>
public sealed record IncidentLifecycleChanged(
    Guid IncidentId,
    string Step,
    string Status,
    string Class,
    string AffectedSystem,
    bool IsDrill,
    DateTimeOffset OccurredAt,
    ActorInfo By,
    long StreamVersion,
    string? Detail);

/// <summary>
/// A running SLA stage (acknowledge, on-site, restore) passed a warning threshold (a fraction of its target).
/// </summary>
public sealed record IncidentSlaWarning(
    Guid IncidentId,
    string Title,
    string Class,
    string AffectedSystem,
    bool IsDrill,
    string Stage,
    double Threshold,
    DateTimeOffset DueAt,
    DateTimeOffset WarnedAt,
    long StreamVersion);

/// <summary>
/// An SLA stage was not stopped by its due time. <c>Target</c> is an ISO 8601 duration (PT5M). Sent once per stage.
/// </summary>
public sealed record IncidentSlaBreached(
    Guid IncidentId,
    string Title,
    string Class,
    string AffectedSystem,
    bool IsDrill,
    string Stage,
    string Target,
    DateTimeOffset DueAt,
    long StreamVersion);

/// <summary>
/// A receipt from the notification worker (Incidents.Dispatch): one attempt to deliver one notification to one
/// recipient over one channel. <c>Outcome</c> is sent, failed (permanent, or retries exhausted) or retrying (a transient
/// failure that will be tried again). <c>Trigger</c> names what caused the notification (incident-opened, sla-breached,
/// service-restored, ...); <c>SourceVersion</c> is the stream version of the announced change. <c>Lag</c> is the delay
/// from the announced event (its time in the message) to this attempt; null from workers older than issue #16.
/// </summary>
public sealed record NotificationAttempted(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Recipient,
    string Channel,
    string Outcome,
    int Attempt,
    string? Reason,
    bool IsDrill,
    DateTimeOffset AttemptedAt,
    TimeSpan? Lag = null);

/// <summary>
/// An escalation level was raised: page <c>Paged</c> (the people on duty, with their channels) and <c>Recipients</c>
/// (keys of the worker's configured recipient directory the people directory does not know). <c>Reason</c> is
/// opened, not-acknowledged or sla-breached (then <c>BreachedStage</c> says which); <c>Round</c> counts the runs of the
/// chain; <c>NextAt</c> is when the next level falls due without an acknowledgement (null: the chain is exhausted).
/// </summary>
public sealed record IncidentEscalated(
    Guid IncidentId,
    string Title,
    string Class,
    string AffectedSystem,
    bool IsDrill,
    int Level,
    int Round,
    string LevelName,
    IReadOnlyList<string> Recipients,
    string Reason,
    string? BreachedStage,
    DateTimeOffset RaisedAt,
    DateTimeOffset? NextAt,
    long StreamVersion,
    IReadOnlyList<PagedRecipient>? Paged = null);

/// <summary>
/// A person the level found on duty (people directory, rosters; docs/oncall.md): page them on these channels.
/// <c>Reason</c>: rotation, holiday, override, swap or directory; <c>Target</c> the level's role or roster that found them.
/// </summary>
public sealed record PagedRecipient(
    string PersonId,
    string Name,
    string Target,
    string Reason,
    Guid? RosterId,
    string? RosterName,
    string? Mobile,
    string? Email,
    string? WeCom,
    string? DingTalk,
    string? Feishu);

/// <summary>
/// What a notification is about, as receipts (<see cref="NotificationAttempted.Trigger"/>) and the worker's rules name
/// it: these four, or the lifecycle step of an <see cref="IncidentLifecycleChanged"/>.
/// </summary>
public static class NotificationTriggers
{
    public const string IncidentOpened = "incident-opened";
    public const string SlaWarning = "sla-warning";
    public const string SlaBreached = "sla-breached";
    public const string Escalated = "escalated";

    /// <summary>The worker's own notice to the on-duty engineer that notifications are late (a lag over the threshold).</summary>
    public const string DispatchLagging = "dispatch-lagging";

    /// <summary>
    /// A hand-off notice to the incoming person of a roster (<see cref="ShiftHandOffAnnounced"/>); its receipts name the
    /// hand-off (not an incident) as <see cref="NotificationAttempted.IncidentId"/>.
    /// </summary>
    public const string ShiftHandedOver = "shift-handed-over";
}
