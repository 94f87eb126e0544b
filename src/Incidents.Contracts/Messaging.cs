namespace Incidents.Contracts;

/// <summary>
/// The names of the broker objects the services meet on. The API publishes to <see cref="IncidentEventsExchange"/>; the
/// notification worker reads its own queue bound to it and publishes receipts, which the API reads. Defined here only.
/// </summary>
public static class Messaging
{
    /// <summary>
    /// Fanout exchange carrying the incident integration messages that are not pages (SLA warnings), in
    /// MassTransit-compatible envelopes: the bulk lane.
    /// </summary>
    public const string IncidentEventsExchange = "incidents.events";

    /// <summary>
    /// Fanout exchange of the paging lane: new incidents (<see cref="IncidentOpened"/>, with their first level), escalation
    /// levels, breaches and the lifecycle steps people act on (<see cref="IncidentLifecycleChanged"/>). docs/dispatch.md says why.
    /// </summary>
    public const string IncidentPagesExchange = "incidents.pages";

    /// <summary>The notification worker's bulk queue, bound to <see cref="IncidentEventsExchange"/>.</summary>
    public const string DispatchQueue = "incidents.dispatch";

    /// <summary>The notification worker's paging queue, bound to <see cref="IncidentPagesExchange"/>, with its own consumers.</summary>
    public const string DispatchPagesQueue = "incidents.dispatch.pages";

    /// <summary>MassTransit's exchange for the worker's receipts (urn:message:Incidents.Contracts:NotificationAttempted).</summary>
    public const string NotificationReceiptsExchange = "Incidents.Contracts:NotificationAttempted";

    /// <summary>The API's queue of notification receipts, bound to <see cref="NotificationReceiptsExchange"/>.</summary>
    public const string NotificationReceiptsQueue = "incidents.receipts";

    /// <summary>Fanout exchange carrying the key-assurance messages (resource adjustments and their clock; docs/assurance.md).</summary>
    public const string AssuranceEventsExchange = "incidents.assurance";

    /// <summary>
    /// Configuration key read by both services: when true, every durable queue they declare is a quorum queue
    /// (<c>x-queue-type: quorum</c>, replicated across the nodes of a RabbitMQ cluster; docs/deployment.md). Off by default:
    /// a queue's type cannot change once declared, and the single local development node has classic ones.
    /// </summary>
    public const string QuorumQueuesSetting = "Messaging:QuorumQueues";

    /// <summary>
    /// Fanout exchange of the event chain's anchors (<see cref="ChainAnchored"/>): a signed checkpoint of every chain head,
    /// taken at intervals, so that a copy of each checkpoint lives outside PostgreSQL (docs/security.md).
    /// </summary>
    public const string AnchorsExchange = "incidents.anchors";

    /// <summary>Durable queue bound to <see cref="AnchorsExchange"/> that keeps the checkpoints for an auditor to collect.</summary>
    public const string AnchorsQueue = "incidents.anchors.audit";

    /// <summary>Fanout exchange carrying the duty messages: shift hand-offs (<see cref="ShiftHandOffAnnounced"/>; docs/oncall.md).</summary>
    public const string DutyEventsExchange = "incidents.duty";

    /// <summary>The notification worker's queue of hand-off notices, bound to <see cref="DutyEventsExchange"/>.</summary>
    public const string DispatchDutyQueue = "incidents.dispatch.duty";
}

/// <summary>What became of one delivery attempt (<see cref="NotificationAttempted.Outcome"/>).</summary>
public static class NotificationOutcomes
{
    public const string Sent = "sent";

    /// <summary>Failed for good: a permanent error, or the retries are exhausted.</summary>
    public const string Failed = "failed";

    /// <summary>Failed for now; the worker tries again.</summary>
    public const string Retrying = "retrying";

    /// <summary>
    /// Not sent: its moment had passed before it could be delivered (a warning for a stage already met or breached, an
    /// escalation level already overtaken). <see cref="NotificationAttempted.Reason"/> says by what.
    /// </summary>
    public const string Superseded = "superseded";
}
