using Incidents.Domain.Sla;

namespace Incidents.Domain.Kpis;

/// <summary>How an SLA stage stands for the KPIs, as far as it can be told without an instant.</summary>
public enum KpiStageState
{
    /// <summary>Not applicable to the class, or the incident was cancelled while it was open: never judged.</summary>
    NotJudged = 0,

    /// <summary>Stopped at or before its due time.</summary>
    Met = 1,

    /// <summary>Stopped after its due time.</summary>
    MetLate = 2,

    /// <summary>Still open: running until its due time, breached after it (<see cref="KpiLine.StatusAt"/>).</summary>
    Open = 3,
}

/// <summary>One stage of a <see cref="KpiLine"/>: its state and, while open, its due time in UTC ticks.</summary>
public sealed record KpiStageLine(KpiStageState State, long? DueTicks);

/// <summary>
/// The typed values the KPI formulas need from one incident's <see cref="KpiFacts"/>, in a form a database can aggregate
/// for any as-of instant: durations in seconds (exactly as <see cref="KpiCalculator"/> computes them), instants as UTC
/// ticks (exact comparisons, no microsecond rounding), and each SLA stage reduced to a state that only depends on the
/// as-of instant while it is <see cref="KpiStageState.Open"/> (then: breached iff as-of is after its due time).
/// </summary>
public sealed record KpiLine(
    long ReportedTicks,
    bool Cancelled,
    double? AcknowledgeSeconds,
    double? OnSiteSeconds,
    double? RestoreSeconds,
    double? ResolveSeconds,
    long? ResolvedTicks,
    long? RestoredTicks,
    int? Rating,
    KpiStageLine Acknowledge,
    KpiStageLine OnSite,
    KpiStageLine Restore)
{
    public static KpiLine Of(KpiFacts f) => new(
        f.ReportedAt.UtcTicks,
        f.CancelledAt is not null,
        (f.AcknowledgedAt - f.ReportedAt)?.TotalSeconds,
        (f.OnSiteAt - f.ReportedAt)?.TotalSeconds,
        (f.RestoredAt - f.ReportedAt)?.TotalSeconds,
        (f.ResolvedAt - f.ReportedAt)?.TotalSeconds,
        f.ResolvedAt?.UtcTicks,
        f.RestoredAt?.UtcTicks,
        f.ClosedAt is not null ? f.Satisfaction : null,
        StageOf(f.Clock, SlaStage.Acknowledge),
        StageOf(f.Clock, SlaStage.OnSite),
        StageOf(f.Clock, SlaStage.Restore));

    /// <summary>
    /// From this instant (UTC ticks) on, the line counts the same whatever the as-of instant: reported, resolved (if it is),
    /// and every open stage past its due time (breached for good). Before it, the line must be judged at the instant.
    /// </summary>
    public long SettledTicks => new[]
    {
        ReportedTicks, ResolvedTicks ?? 0, (Acknowledge.DueTicks ?? -1) + 1, (OnSite.DueTicks ?? -1) + 1, (Restore.DueTicks ?? -1) + 1,
    }.Max();

    public KpiStageLine this[SlaStage stage] => stage switch
    {
        SlaStage.Acknowledge => Acknowledge,
        SlaStage.OnSite => OnSite,
        _ => Restore,
    };

    /// <summary>The status <see cref="SlaClock.StatusOf(SlaClockState, SlaStageFacts, DateTimeOffset)"/> gives at <paramref name="asOf"/>, from the line alone.</summary>
    public static SlaStageStatus StatusAt(KpiStageLine stage, DateTimeOffset asOf) => stage.State switch
    {
        KpiStageState.Met => SlaStageStatus.Met,
        KpiStageState.MetLate => SlaStageStatus.MetLate,
        KpiStageState.Open => asOf.UtcTicks > stage.DueTicks ? SlaStageStatus.Breached : SlaStageStatus.Running,
        _ => SlaStageStatus.NotApplicable,
    };

    private static KpiStageLine StageOf(SlaClockState clock, SlaStage stage)
    {
        var facts = clock[stage];
        if (SlaClock.TargetOf(clock, facts) is not { } target)
        {
            return new KpiStageLine(KpiStageState.NotJudged, null);
        }

        var due = clock.StartedAt + target;
        return facts.StoppedAt switch
        {
            { } stopped when stopped <= due => new KpiStageLine(KpiStageState.Met, null),
            not null => new KpiStageLine(KpiStageState.MetLate, null),
            null when clock.CancelledAt is not null => new KpiStageLine(KpiStageState.NotJudged, null),
            null => new KpiStageLine(KpiStageState.Open, due.UtcTicks),
        };
    }
}
