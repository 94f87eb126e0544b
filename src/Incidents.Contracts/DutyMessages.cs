namespace Incidents.Contracts;

/// <summary>
/// A roster changed hands at <c>At</c> (docs/oncall.md, "Hand-offs"): tell <c>To</c> (the incoming person, with the
/// channels of the people directory) what is open — <c>OpenIncidents</c> production incidents not yet resolved,
/// <c>OpenDrills</c> drill incidents apart, and the <c>Worst</c> SLA clock of the production ones (null: none running).
/// <c>HandOffId</c> is the hand-off's stream: receipts name it as <see cref="NotificationAttempted.IncidentId"/> with
/// trigger <see cref="NotificationTriggers.ShiftHandedOver"/>. Published on <see cref="Messaging.DutyEventsExchange"/>.
/// </summary>
public sealed record ShiftHandOffAnnounced(
    Guid HandOffId,
    Guid RosterId,
    string RosterName,
    DateTimeOffset At,
    string? FromPersonId,
    string? FromName,
    PagedRecipient To,
    DateTimeOffset? ShiftEnd,
    int OpenIncidents,
    int OpenDrills,
    HandOffWorstClock? Worst,
    DateTimeOffset EvaluatedAt);

/// <summary>
/// The SLA stage with the least time left at a hand-off: <c>Stage</c> is acknowledge, on-site or restore; <c>Remaining</c>
/// is negative when it has breached (<c>Breached</c>).
/// </summary>
public sealed record HandOffWorstClock(Guid IncidentId, string Title, string AffectedSystem, string Stage, DateTimeOffset DueAt,
    TimeSpan Remaining, bool Breached);
