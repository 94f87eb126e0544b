using Incidents.Domain.Clocks;
using Incidents.Domain.Escalation;
using Wolverine;
using Wolverine.Attributes;

namespace Incidents.Api.Clocks;

/// <summary>
/// A hint that an incident's clocks — its SLA clock or its escalation chain — have something to announce at
/// <see cref="CheckAt"/>: a durable scheduled message (stored in PostgreSQL with the events that caused it, survives
/// restarts, handled once across nodes). One pending check per incident covers both clocks. The handler
/// (Sla/Checking) trusts the incident's document, not the hint, so duplicated or stale checks do no harm.
/// </summary>
[MessageIdentity("Incidents.Api.Sla.Checking.SlaCheckDue")] // the name stored checks of earlier versions carry
public sealed record SlaCheckDue(Guid IncidentId, DateTimeOffset CheckAt);

/// <summary>Keeps exactly one pending check per incident for the next instant of either of its clocks.</summary>
public static class ClockChecks
{
    /// <summary>A writer's change: schedule a check when the change moved the clocks' next instant.</summary>
    public static async Task RearmIfMoved(IMessageBus bus, Guid incidentId, IncidentClocks before, IncidentClocks after,
        EscalationPolicy escalation, DateTimeOffset now)
    {
        if (after.NextCheckAt(escalation, now) is { } next && next != before.NextCheckAt(escalation, now))
        {
            await Schedule(bus, incidentId, next < now ? now : next);
        }
    }

    public static async Task Schedule(IMessageBus bus, Guid incidentId, DateTimeOffset at) =>
        await bus.ScheduleAsync(new SlaCheckDue(incidentId, at), at);
}
