using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Duty.HandOffs;

/// <summary>
/// The SLA stage with the least time left among the open production incidents at a hand-off: <see cref="Remaining"/> is
/// negative when the stage has already breached.
/// </summary>
public sealed record WorstClock(Guid IncidentId, string Title, string AffectedSystem, SlaStage Stage, DateTimeOffset DueAt,
    TimeSpan Remaining, bool Breached);

/// <summary>
/// What was open at a hand-off: production incidents not yet resolved (<see cref="Incidents"/>), drill incidents apart
/// (<see cref="Drills"/>: counted, never the worst clock), and the worst SLA clock of the production ones.
/// </summary>
public sealed record OpenWork(int Incidents, int Drills, WorstClock? Worst);

/// <summary>
/// A roster's shift changed at <see cref="At"/>: <see cref="From"/> handed over to <see cref="To"/> (null: nobody, a gap),
/// told what was open as evaluated at <see cref="EvaluatedAt"/>. <see cref="Notify"/>: a notice goes to the incoming person
/// (someone came on who was not already on).
/// </summary>
public sealed record ShiftHandedOver(
    Guid HandOffId,
    Guid RosterId,
    string RosterName,
    DateTimeOffset At,
    string? From,
    string? To,
    string? ToName,
    DutyReason Reason,
    string? Layer,
    DateTimeOffset? ShiftEnd,
    OpenWork Open,
    bool Notify,
    DateTimeOffset EvaluatedAt);

/// <summary>The hand-off notice reached the incoming person on <see cref="Channel"/> (a receipt of the worker).</summary>
public sealed record HandOffNoticeDelivered(Guid HandOffId, string Recipient, string Channel, int Attempt, DateTimeOffset At, TimeSpan? Lag);

/// <summary>The hand-off notice did not reach the incoming person on <see cref="Channel"/>; <see cref="WillRetry"/> when the worker tries again.</summary>
public sealed record HandOffNoticeFailed(Guid HandOffId, string Recipient, string Channel, int Attempt, string Reason, bool WillRetry,
    DateTimeOffset At, TimeSpan? Lag);

public static class HandOffEventTypes
{
    public static readonly Type[] All = [typeof(ShiftHandedOver), typeof(HandOffNoticeDelivered), typeof(HandOffNoticeFailed)];
}
