using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Escalation;

/// <summary>
/// Where an incident's escalation stands, folded from its events alone (<see cref="EscalationClock.Evolve"/>).
/// <see cref="Level"/> 0 means no level has been raised yet.
/// </summary>
public sealed record EscalationState(
    Guid IncidentId,
    IncidentClass Class,
    DateTimeOffset ReportedAt,
    string? StoppedBy,
    DateTimeOffset? StoppedAt,
    int Level,
    int Round,
    DateTimeOffset? LastRaisedAt,
    DateTimeOffset? NextAt,
    SlaStage? PendingBreach,
    DateTimeOffset? PendingBreachAt,
    string? LastGap = null)
{
    public bool IsStopped => StoppedBy is not null;

    /// <summary>
    /// The chains this incident was reported under when they differ from the ones in force (a key-assurance period pinned
    /// its tighter chains: <see cref="Assurance.IncidentUnderKeyAssurance"/>); null: the chains in force.
    /// </summary>
    public EscalationPolicy? Pinned { get; init; }

    /// <summary>
    /// The chain for the incident's class: from the pinned chains when there are, else from <paramref name="inForce"/>. Either
    /// way its roles and rosters resolve through the duty directory of <paramref name="inForce"/> (a pinned snapshot carries
    /// none: who is on duty is read when a level is raised, not when the incident was reported).
    /// </summary>
    public EscalationChain? ChainFrom(EscalationPolicy inForce) =>
        Pinned is { } pinned ? (pinned with { Duty = inForce.Duty ?? pinned.Duty }).For(Class) : inForce.For(Class);
}

/// <summary>
/// The escalation rules, as pure functions of the incident's events, its class's chain and the time:
/// <list type="bullet">
/// <item>The chain starts at level 1 when the incident opens (or is reclassified into a class with a chain).</item>
/// <item>While nobody has acknowledged, each level's wait ends in the next level; after the last level the chain runs
/// again from level 1, <see cref="EscalationChain.Repeats"/> times; then it is exhausted.</item>
/// <item>A breach of any SLA stage while unacknowledged raises the next level at once (the last level again when the chain
/// has nothing further). A breach at or before the instant the current level was raised is already answered by it.</item>
/// <item>Acknowledging, restoring, resolving, closing or cancelling stops the chain for good; reopening does not restart
/// it (the incident has an owner). Breaches after that are told by the notification rules, not by escalation.</item>
/// <item>A reclassification keeps the level reached and the time the next one is due; the levels after it come from
/// the new class's chain.</item>
/// <item>Overdue levels (the service was down) are raised together when it comes back, each stamped with the instant it
/// fell due.</item>
/// </list>
/// </summary>
public static class EscalationClock
{
    /// <summary>A bound on the levels one check can raise (a long outage of the service with short waits).</summary>
    private const int MaxRaisesPerCheck = 50;

    public static EscalationState? Evolve(EscalationState? state, object @event) => (state, @event) switch
    {
        (_, IncidentReported e) => new EscalationState(e.IncidentId, e.Class, e.At, null, null, 0, 1, null, null, null, null),
        (null, _) => null,
        (var s, IncidentReclassified e) => s with { Class = e.To },
        (var s, Assurance.IncidentUnderKeyAssurance e) => s with { Pinned = e.Escalation },
        (var s, IncidentAcknowledged e) => Stop(s, "acknowledged", e.At),
        (var s, ServiceRestored e) => Stop(s, "service-restored", e.At),
        (var s, IncidentResolved e) => Stop(s, "resolved", e.At),
        (var s, IncidentClosed e) => Stop(s, "closed", e.At),
        (var s, IncidentCancelled e) => Stop(s, "cancelled", e.At),
        (var s, SlaBreached e) when !s.IsStopped && s.PendingBreachAt is null && !(s.LastRaisedAt >= e.DueAt) =>
            s with { PendingBreach = e.Stage, PendingBreachAt = e.DueAt },
        (var s, EscalationLevelRaised e) => s with
        {
            Level = e.Level,
            Round = e.Round,
            LastRaisedAt = e.At,
            NextAt = e.NextAt,
            PendingBreach = s.PendingBreachAt <= e.At ? null : s.PendingBreach,
            PendingBreachAt = s.PendingBreachAt <= e.At ? null : s.PendingBreachAt,
            LastGap = e.Gaps is { Count: > 0 } gaps
                ? $"level {e.Level} at {e.At:O}: " + string.Join("; ", gaps.Select(g => $"{g.Target}: {g.Why}"))
                : s.LastGap,
        },
        (var s, _) => s,
    };

    public static EscalationState? From(IEnumerable<object> events) => events.Aggregate((EscalationState?)null, Evolve);

    private static EscalationState Stop(EscalationState state, string by, DateTimeOffset at) =>
        state.IsStopped ? state : state with { StoppedBy = by, StoppedAt = at };

    /// <summary>The levels due at <paramref name="now"/>, in the order they fell due; empty when nothing is.</summary>
    public static IReadOnlyList<EscalationLevelRaised> Due(EscalationState state, EscalationChain? chain, DateTimeOffset now)
    {
        var raised = new List<EscalationLevelRaised>();
        if (chain is null)
        {
            return raised;
        }

        var current = state;
        while (!current.IsStopped && raised.Count < MaxRaisesPerCheck && Next(current, chain, now) is { } next)
        {
            raised.Add(next);
            current = Evolve(current, next)!;
        }

        return raised;
    }

    /// <summary>When the next check should run (null: nothing can fall due without another event).</summary>
    public static DateTimeOffset? NextCheckAt(EscalationState state, EscalationChain? chain)
    {
        if (state.IsStopped || chain is null)
        {
            return null;
        }

        if (state.Level == 0)
        {
            return state.ReportedAt;
        }

        return (state.PendingBreachAt, state.NextAt) switch
        {
            ({ } breach, { } next) => breach < next ? breach : next,
            ({ } breach, null) => breach,
            (null, var next) => next,
        };
    }

    private static EscalationLevelRaised? Next(EscalationState state, EscalationChain chain, DateTimeOffset now)
    {
        if (state.Level == 0)
        {
            return Raise(state, chain, 1, 1, EscalationReason.Opened, null, state.ReportedAt > now ? state.ReportedAt : now);
        }

        var breachDue = state.PendingBreachAt is { } b && b <= now ? b : (DateTimeOffset?)null;
        var timedDue = state.NextAt is { } n && n <= now ? n : (DateTimeOffset?)null;
        if (breachDue is { } breachAt && (timedDue is null || breachAt <= timedDue))
        {
            var (level, round) = After(state, chain) ?? (Math.Min(state.Level, chain.Levels.Count), state.Round);
            return Raise(state, chain, level, round, EscalationReason.SlaBreached, state.PendingBreach, breachAt);
        }

        if (timedDue is { } timedAt && After(state, chain) is var (nextLevel, nextRound))
        {
            return Raise(state, chain, nextLevel, nextRound, EscalationReason.NotAcknowledged, null, timedAt);
        }

        return null;
    }

    /// <summary>The level and round after the current one; null when the chain is exhausted.</summary>
    private static (int Level, int Round)? After(EscalationState state, EscalationChain chain)
    {
        if (state.Level < chain.Levels.Count)
        {
            return (state.Level + 1, state.Round);
        }

        return state.Round <= chain.Repeats ? (1, state.Round + 1) : null;
    }

    private static EscalationLevelRaised Raise(EscalationState state, EscalationChain chain, int level, int round, EscalationReason reason,
        SlaStage? stage, DateTimeOffset at)
    {
        var definition = chain.Levels[level - 1];
        var hasMore = level < chain.Levels.Count || round <= chain.Repeats;
        if (chain.Duty?.Resolve(definition.Recipients, at) is not { } targets)
        {
            return new EscalationLevelRaised(state.IncidentId, level, round, definition.Name, definition.Recipients, reason, stage,
                hasMore ? at + definition.Wait : null, Actor.System, at);
        }

        // A level with nobody on duty waits for nobody: the next level falls due at the same instant.
        return new EscalationLevelRaised(state.IncidentId, level, round, definition.Name, targets.Recipients, reason, stage,
            hasMore ? (targets.Nobody ? at : at + definition.Wait) : null, Actor.System, at, targets.Paged,
            targets.Gaps.Count > 0 ? targets.Gaps : null);
    }
}
