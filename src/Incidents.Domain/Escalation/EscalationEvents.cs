using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Escalation;

/// <summary>Why a level was raised.</summary>
public enum EscalationReason
{
    /// <summary>The chain started: the incident was opened (or reclassified into a class that has a chain).</summary>
    Opened,

    /// <summary>The previous level's wait passed without an acknowledgement.</summary>
    NotAcknowledged,

    /// <summary>An SLA stage was breached while the incident was unacknowledged: the chain moves on at once.</summary>
    SlaBreached,
}

/// <summary>
/// An escalation level was raised: <see cref="Recipients"/> are to be paged. <see cref="At"/> is when it fell due (the
/// wait's end, or the breach), even when it was recorded later. <see cref="NextAt"/> is when the next level falls due if
/// nobody acknowledges (null: the chain is exhausted). <see cref="Round"/> counts the runs of the chain (1 = first).
/// </summary>
public sealed record EscalationLevelRaised(
    Guid IncidentId,
    int Level,
    int Round,
    string LevelName,
    IReadOnlyList<string> Recipients,
    EscalationReason Reason,
    SlaStage? BreachedStage,
    DateTimeOffset? NextAt,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;
