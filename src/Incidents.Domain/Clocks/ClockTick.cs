using Incidents.Domain.Escalation;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Clocks;

/// <summary>
/// What one check of an incident's clocks records: the SLA notices due (warnings, breaches), then the escalation levels
/// that the waits and those breaches make due, in the order to append them; and when the check itself must schedule the
/// next one (null: the pending check that the last change scheduled still stands, or nothing is left to announce).
/// </summary>
public sealed record ClockTick(IReadOnlyList<object> Notices, DateTimeOffset? NextCheckAt)
{
    /// <summary>When a check finds nothing although something should be due, look again this much later.</summary>
    public static readonly TimeSpan SafetyRecheck = TimeSpan.FromSeconds(1);

    public bool HasNotices => Notices.Count > 0;

    /// <summary>
    /// The check at <paramref name="now"/>: pure, so the same clocks at the same instant always record the same notices.
    /// A breach found here moves an unacknowledged incident's chain on at once, in the same append, and the check carries
    /// the chain of checks on to the clocks' next instant. A check that finds nothing (early, duplicated, stale) schedules
    /// nothing — unless the clocks say something is due already, then a short safety recheck.
    /// </summary>
    public static ClockTick At(IncidentClocks clocks, EscalationPolicy escalation, DateTimeOffset now)
    {
        if (clocks.Sla is not { } sla)
        {
            return new ClockTick([], null);
        }

        var notices = SlaClock.DueNotices(sla, now);
        IReadOnlyList<object> escalated = clocks.Escalation is { } chain
            ? EscalationClock.Due(notices.Aggregate(chain, (s, n) => EscalationClock.Evolve(s, n)!), chain.ChainFrom(escalation), now)
            : [];
        object[] recorded = [.. notices, .. escalated];
        if (recorded.Length == 0)
        {
            return new ClockTick([], clocks.NextCheckAt(escalation, now) is { } due && due <= now ? now + SafetyRecheck : null);
        }

        var next = clocks.Then(recorded).NextCheckAt(escalation, now);
        return new ClockTick(recorded, next is { } at && at < now ? now : next);
    }
}
