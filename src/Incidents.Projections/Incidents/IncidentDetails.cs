using Incidents.Domain;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

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

    public ResponderView Copy() => (ResponderView)MemberwiseClone();
}

/// <summary>
/// The one document of an incident, kept inline in the same transaction as its events: what "get one incident", the list
/// and the hotline board show, and everything a step needs to decide — the write model (<see cref="State"/>), both clocks
/// (<see cref="Sla"/>, <see cref="Escalation"/>), the two versions and the head of the hash chain. A step loads it once,
/// decides, and appends; it never reads the stream.
/// </summary>
public sealed class IncidentDetails
{
    public Guid Id { get; set; }

    /// <summary>The stream version: every event counts (Marten's convention for the aggregate version).</summary>
    public long Version { get; set; }

    /// <summary>
    /// The version of the last change a person made (<see cref="IncidentVersions"/>): the ETag, and what clients send back
    /// as If-Match. Notices do not move it.
    /// </summary>
    public long ChangeVersion { get; set; }

    /// <summary>The write model the deciders take.</summary>
    public Incident? State { get; set; }

    /// <summary>The SLA clock's stored facts; time-dependent answers are computed at read time by the domain.</summary>
    public SlaClockState? Sla { get; set; }

    /// <summary>Where the escalation chain stands (docs/escalation.md).</summary>
    public EscalationState? Escalation { get; set; }

    /// <summary>At least one SLA stage is open (running, or breached and not yet met): the incident is on the board.</summary>
    public bool HasOpenStage { get; set; }

    /// <summary>The earliest due time among open stages; the board orders by it.</summary>
    public DateTimeOffset? NextDueAt { get; set; }

    /// <summary>
    /// The delay from the announced event to the attempt, in the notification worker's latest receipt (issue #16); null
    /// before the first receipt, or from an older worker. The SLA board shows it and warns over a minute.
    /// </summary>
    public TimeSpan? NotificationLag { get; set; }

    /// <summary>The chain hash of the last event (<c>chain-hash</c> header): the next append links to it.</summary>
    public string ChainHash { get; set; } = "";

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

    /// <summary>When the failure began, if known (monitoring's startsAt, or the desk's account); availability counts from it.</summary>
    public DateTimeOffset? OccurredAt { get; set; }

    /// <summary>What monitoring said about the incident (null: no alert came in).</summary>
    public global::Incidents.Projections.Intake.IncidentAlerts? Alerts { get; set; }

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

    /// <summary>Both clocks as the domain's clock functions take them.</summary>
    public global::Incidents.Domain.Clocks.IncidentClocks Clocks() => new(Sla, Escalation);

    /// <summary>A copy that shares nothing mutable with this one (the clocks and the write model are immutable records).</summary>
    public IncidentDetails Copy()
    {
        var copy = (IncidentDetails)MemberwiseClone();
        copy.Responders = Responders.Select(r => r.Copy()).ToList();
        return copy;
    }
}
