using Incidents.Domain.Incidents;

namespace Incidents.Domain.Sla;

/// <summary>How a stage stands.</summary>
public enum SlaStageStatus
{
    /// <summary>Open and not yet past its due time.</summary>
    Running,

    /// <summary>Stopped at or before its due time.</summary>
    Met,

    /// <summary>Open and past its due time.</summary>
    Breached,

    /// <summary>Stopped, but after its due time (the breach stays on record).</summary>
    MetLate,

    /// <summary>The incident's class has no target for this stage.</summary>
    NotApplicable,

    /// <summary>The incident was cancelled (false alarm, duplicate) while the stage was open.</summary>
    Cancelled,
}

/// <summary>A warning on record: which threshold, for which due time (a reclassification can move the due time).</summary>
public sealed record SlaWarningMark(double Threshold, DateTimeOffset DueAt);

/// <summary>The facts of one stage, as recorded: when it stopped, under which target, which notices were raised.</summary>
public sealed record SlaStageFacts(
    SlaStage Stage,
    DateTimeOffset? StoppedAt,
    TimeSpan? TargetWhenStopped,
    IReadOnlyList<SlaWarningMark> WarningsRaised,
    DateTimeOffset? BreachRecordedFor)
{
    public bool HasWarned(double threshold, DateTimeOffset dueAt) =>
        WarningsRaised.Any(w => w.Threshold.Equals(threshold) && w.DueAt == dueAt);
}

/// <summary>From <see cref="From"/> on, the incident had class <see cref="Class"/>.</summary>
public sealed record SlaClassPeriod(DateTimeOffset From, IncidentClass Class);

/// <summary>When a stage breached: the instant it was first open past its due time, under the class then in force.</summary>
public sealed record SlaBreachFact(DateTimeOffset At, DateTimeOffset DueAt, TimeSpan Target);

/// <summary>
/// The SLA clock of one incident, folded from its events alone (<see cref="Evolve"/>). Everything time-dependent is
/// computed by <see cref="Evaluate"/> for a given instant, so a view rebuilt from the stream gives the same answer.
/// </summary>
public sealed record SlaClockState(
    Guid IncidentId,
    string Title,
    string AffectedSystem,
    bool IsDrill,
    IncidentClass Class,
    SlaPolicy Policy,
    DateTimeOffset StartedAt,
    DateTimeOffset? CancelledAt,
    IReadOnlyList<SlaStageFacts> Stages,
    IReadOnlyList<SlaClassPeriod> ClassHistory)
{
    public SlaStageFacts this[SlaStage stage] => Stages.First(s => s.Stage == stage);
}

/// <summary>One stage as it stands at an instant.</summary>
public sealed record SlaStageClock(
    SlaStage Stage,
    SlaStageStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan? Target,
    DateTimeOffset? DueAt,
    DateTimeOffset? StoppedAt,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    IReadOnlyList<SlaWarningClock> Warnings,
    DateTimeOffset? BreachRecordedFor)
{
    /// <summary>Open and a warning threshold has passed (but not yet due).</summary>
    public bool IsWarning => Status == SlaStageStatus.Running && Warnings.Any(w => w.Passed);
}

/// <summary>A warning threshold of a stage: when it falls, whether it has passed, whether it was raised.</summary>
public sealed record SlaWarningClock(double Threshold, DateTimeOffset At, bool Passed, bool Raised);

/// <summary>
/// The rules of the response clock (see docs/sla.md):
/// <list type="bullet">
/// <item>every stage starts at the report time and runs on the wall clock, 7x24, with no pause;</item>
/// <item>acknowledge stops at the acknowledgement; on site stops at the first arrival, or at the restoration or
/// resolution if those come first (fixed remotely: nobody needed on site); restore stops at the first restoration;
/// resolution stops whatever still runs;</item>
/// <item>a stopped stage keeps the target in force when it stopped (if it had one); reclassification re-targets the
/// stages still running, and stages stopped while they had no target, from the original report time; a stage the new
/// class has no target for becomes not applicable;</item>
/// <item>met means stopped at or before the due time; a breach is recorded once a stage is still open strictly after
/// its due time, stamped with the instant it became overdue (the due time, or the reclassification that made a running
/// stage overdue at once), and stays on record if the stage is met late or later re-targeted; whether it is recorded
/// depends only on the events, never on whether this service was up at the time;</item>
/// <item>cancelling stops the clock (open stages become cancelled, nothing after the cancellation is announced, a breach
/// that happened before it stays); reopening does not restart stopped stages.</item>
/// </list>
/// </summary>
public static class SlaClock
{
    /// <summary>Breaches are checked one tick after the due time, so that a stop exactly at the due time is met.</summary>
    public static readonly TimeSpan BreachGrace = TimeSpan.FromMilliseconds(1);

    public static SlaClockState? Evolve(SlaClockState? state, object @event) => (state, @event) switch
    {
        (_, IncidentReported e) => new SlaClockState(e.IncidentId, e.Title, e.AffectedSystem, e.IsDrill, e.Class, e.SlaPolicy, e.At, null,
            Enum.GetValues<SlaStage>().Select(s => new SlaStageFacts(s, null, null, [], null)).ToList(),
            [new SlaClassPeriod(e.At, e.Class)]),
        (null, _) => null,
        (var s, IncidentReclassified e) => s with { Class = e.To, ClassHistory = [.. s.ClassHistory, new SlaClassPeriod(e.At, e.To)] },
        (var s, IncidentAcknowledged e) => Stop(s, e.At, SlaStage.Acknowledge),
        (var s, ResponderArrivedOnSite e) => Stop(s, e.At, SlaStage.OnSite),
        (var s, ServiceRestored e) => Stop(s, e.At, SlaStage.Restore, SlaStage.OnSite),
        (var s, IncidentResolved e) => Stop(s, e.At, SlaStage.Acknowledge, SlaStage.OnSite, SlaStage.Restore),
        (var s, IncidentCancelled e) => s.CancelledAt is null ? s with { CancelledAt = e.At } : s,
        (var s, SlaWarningRaised e) => Update(s, e.Stage, f => f.HasWarned(e.Threshold, e.DueAt)
            ? f
            : f with { WarningsRaised = [.. f.WarningsRaised, new SlaWarningMark(e.Threshold, e.DueAt)] }),
        (var s, SlaBreached e) => Update(s, e.Stage, f => f with { BreachRecordedFor = f.BreachRecordedFor ?? e.DueAt }),
        (var s, _) => s,
    };

    public static SlaClockState? From(IEnumerable<object> events) => events.Aggregate((SlaClockState?)null, Evolve);

    /// <summary>The target a stage is judged by: the one in force when it stopped, else the current class's.</summary>
    public static TimeSpan? TargetOf(SlaClockState state, SlaStageFacts facts) =>
        facts.TargetWhenStopped ?? state.Policy.For(state.Class).For(facts.Stage);

    /// <summary>
    /// When the stage breached, judged from the events alone: the first instant, before it stopped (or the incident was
    /// cancelled, or <paramref name="now"/>), at which it was open and past the due time of the class then in force.
    /// A stage that stopped is judged up to its stop under the classes in force until then.
    /// </summary>
    public static SlaBreachFact? BreachOf(SlaClockState state, SlaStageFacts facts, DateTimeOffset now)
    {
        var end = Min(facts.StoppedAt ?? DateTimeOffset.MaxValue, state.CancelledAt ?? DateTimeOffset.MaxValue, now);
        for (var i = 0; i < state.ClassHistory.Count; i++)
        {
            var period = state.ClassHistory[i];
            var periodEnd = i + 1 < state.ClassHistory.Count ? state.ClassHistory[i + 1].From : DateTimeOffset.MaxValue;
            if (state.Policy.For(period.Class).For(facts.Stage) is not { } target)
            {
                continue;
            }

            var due = state.StartedAt + target;
            if (due >= period.From)
            {
                // Overdue strictly after the due time, while this class was in force and the stage open.
                if (due < periodEnd && due < end && end > due)
                {
                    return new SlaBreachFact(due, due, target);
                }
            }
            else if (period.From < end && period.From < periodEnd)
            {
                // Re-targeted to a due time already past: overdue from the reclassification on.
                return new SlaBreachFact(period.From, due, target);
            }
        }

        return null;
    }

    public static IReadOnlyList<SlaStageClock> Evaluate(SlaClockState state, DateTimeOffset now) =>
        state.Stages.Select(facts => Evaluate(state, facts, now)).ToList();

    /// <summary>Only the status of a stage at <paramref name="now"/> (what <see cref="Evaluate(SlaClockState, SlaStageFacts, DateTimeOffset)"/> reports), without the rest.</summary>
    public static SlaStageStatus StatusOf(SlaClockState state, SlaStageFacts facts, DateTimeOffset now) =>
        TargetOf(state, facts) is { } target ? StatusOf(state, facts, state.StartedAt + target, now) : SlaStageStatus.NotApplicable;

    private static SlaStageStatus StatusOf(SlaClockState state, SlaStageFacts facts, DateTimeOffset due, DateTimeOffset now) =>
        facts.StoppedAt switch
        {
            { } stopped when stopped <= due => SlaStageStatus.Met,
            not null => SlaStageStatus.MetLate,
            null when state.CancelledAt is not null => SlaStageStatus.Cancelled,
            null when now > due => SlaStageStatus.Breached,
            _ => SlaStageStatus.Running,
        };

    public static SlaStageClock Evaluate(SlaClockState state, SlaStageFacts facts, DateTimeOffset now)
    {
        var target = TargetOf(state, facts);
        var until = facts.StoppedAt ?? state.CancelledAt ?? now;
        var elapsed = until - state.StartedAt;
        if (target is not { } t)
        {
            return new SlaStageClock(facts.Stage, SlaStageStatus.NotApplicable, state.StartedAt, null, null, facts.StoppedAt,
                elapsed, null, [], facts.BreachRecordedFor);
        }

        var due = state.StartedAt + t;
        var status = StatusOf(state, facts, due, now);
        var warnings = state.Policy.WarningFractions.Order()
            .Select(f => new SlaWarningClock(f, WarnAt(state, t, f), WarnAt(state, t, f) <= until, facts.HasWarned(f, due)))
            .ToList();
        var remaining = status is SlaStageStatus.Running or SlaStageStatus.Breached ? due - now : (TimeSpan?)null;
        return new SlaStageClock(facts.Stage, status, state.StartedAt, t, due, facts.StoppedAt, elapsed, remaining, warnings,
            facts.BreachRecordedFor);
    }

    /// <summary>
    /// The notices due at <paramref name="now"/> that are not yet on record: warnings whose threshold has passed while
    /// the stage is open and not yet due, and one breach per stage not stopped by its due time.
    /// </summary>
    public static IReadOnlyList<object> DueNotices(SlaClockState state, DateTimeOffset now)
    {
        var notices = new List<object>();
        foreach (var facts in state.Stages)
        {
            if (facts.BreachRecordedFor is null && BreachOf(state, facts, now) is { } breach)
            {
                notices.Add(new SlaBreached(state.IncidentId, facts.Stage, breach.Target, breach.DueAt, Actor.System, breach.At));
            }

            if (facts.StoppedAt is not null || state.CancelledAt is not null || TargetOf(state, facts) is not { } target)
            {
                continue;
            }

            var due = state.StartedAt + target;
            if (now > due)
            {
                continue;
            }

            notices.AddRange(state.Policy.WarningFractions.Order()
                .Where(f => !facts.HasWarned(f, due) && WarnAt(state, target, f) <= now
                    && WarnAt(state, target, f) >= state.ClassHistory[^1].From)
                .Select(f => new SlaWarningRaised(state.IncidentId, facts.Stage, f, due, Actor.System, WarnAt(state, target, f))));
        }

        return notices.OrderBy(n => ((IIncidentEvent)n).At).ToList();
    }

    /// <summary>
    /// The earliest instant, as seen at <paramref name="now"/>, at which <see cref="DueNotices"/> will have something
    /// new to say if nothing else happens (an instant in the past means: check at once), or null when the clock has
    /// nothing left to announce. Warnings of a stage already past its due time are no longer announced, so they do not
    /// count. Scheduling one check at this instant per incident is enough.
    /// </summary>
    public static DateTimeOffset? NextCheckAt(SlaClockState state, DateTimeOffset now)
    {
        var candidates = new List<DateTimeOffset>();
        foreach (var facts in state.Stages)
        {
            if (facts.BreachRecordedFor is null && BreachOf(state, facts, DateTimeOffset.MaxValue) is { } breach)
            {
                candidates.Add(breach.At + BreachGrace);
            }

            if (facts.StoppedAt is not null || state.CancelledAt is not null || TargetOf(state, facts) is not { } target)
            {
                continue;
            }

            var due = state.StartedAt + target;
            if (due < now)
            {
                continue;
            }

            candidates.AddRange(state.Policy.WarningFractions
                .Where(f => !facts.HasWarned(f, due))
                .Select(f => WarnAt(state, target, f))
                .Where(at => at <= due && at >= state.ClassHistory[^1].From));
        }

        return candidates.Count == 0 ? null : candidates.Min();
    }

    private static DateTimeOffset Min(params DateTimeOffset[] instants) => instants.Min();

    private static DateTimeOffset WarnAt(SlaClockState state, TimeSpan target, double fraction) =>
        state.StartedAt + TimeSpan.FromTicks((long)Math.Round(target.Ticks * fraction, MidpointRounding.AwayFromZero));

    private static SlaClockState Stop(SlaClockState state, DateTimeOffset at, params SlaStage[] stages) =>
        stages.Aggregate(state, (s, stage) => Update(s, stage, f => f.StoppedAt is null
            ? f with { StoppedAt = at, TargetWhenStopped = s.Policy.For(s.Class).For(stage) }
            : f));

    private static SlaClockState Update(SlaClockState state, SlaStage stage, Func<SlaStageFacts, SlaStageFacts> change) =>
        state with { Stages = state.Stages.Select(f => f.Stage == stage ? change(f) : f).ToList() };
}
