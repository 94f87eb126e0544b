using Incidents.Domain.Escalation;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Clocks;

/// <summary>
/// Both clocks of an incident — the SLA clock and the escalation chain — as one value, folded from the same events. One
/// pending check per incident serves both: <see cref="NextCheckAt"/> is the earlier of their next instants.
/// </summary>
public sealed record IncidentClocks(SlaClockState? Sla, EscalationState? Escalation)
{
    public static IncidentClocks None { get; } = new(null, null);

    public static IncidentClocks From(IEnumerable<object> history) => None.Then(history);

    public IncidentClocks Then(object @event) =>
        new(SlaClock.Evolve(Sla, @event), EscalationClock.Evolve(Escalation, @event));

    public IncidentClocks Then(IEnumerable<object> events) => events.Aggregate(this, (clocks, e) => clocks.Then(e));

    /// <summary>The earlier of the SLA clock's next instant and the escalation chain's; null when neither has one.</summary>
    public DateTimeOffset? NextCheckAt(EscalationPolicy escalation, DateTimeOffset now)
    {
        var sla = Sla is null ? null : SlaClock.NextCheckAt(Sla, now);
        var chain = Escalation is null ? null : EscalationClock.NextCheckAt(Escalation, Escalation.ChainFrom(escalation));
        return (sla, chain) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, var b) => b,
        };
    }
}
