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
/// With the people directory in use, <see cref="Paged"/> names who was on duty at <see cref="At"/> and why, and
/// <see cref="Gaps"/> the targets that found nobody (the next level then falls due at once); <see cref="Recipients"/>
/// then holds only the keys left for the worker's configured directory. Both are absent on older events.
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
    DateTimeOffset At,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<global::Incidents.Domain.Duty.OnCall.PagedPerson>? Paged = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<global::Incidents.Domain.Duty.OnCall.DutyGap>? Gaps = null) : IIncidentNotice;
