using Incidents.Domain.Incidents;

namespace Incidents.Domain.Sla;

/// <summary>
/// A running stage passed a warning threshold. <see cref="At"/> is the threshold instant (not when the check ran);
/// the store's own timestamp says when it was recorded.
/// </summary>
public sealed record SlaWarningRaised(
    Guid IncidentId,
    SlaStage Stage,
    double Threshold,
    DateTimeOffset DueAt,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;

/// <summary>
/// A stage was not stopped by its due time. <see cref="At"/> equals <see cref="DueAt"/>: the breach happened then, even
/// when it was recorded later (after an outage of this service). Recorded at most once per stage.
/// </summary>
public sealed record SlaBreached(
    Guid IncidentId,
    SlaStage Stage,
    TimeSpan Target,
    DateTimeOffset DueAt,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;
