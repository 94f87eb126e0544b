using Incidents.Api.Incidents;
using Incidents.Domain.Sla;
using Incidents.Projections.Sla;
using Marten;
using Wolverine;

namespace Incidents.Api.Sla.Checking;

/// <summary>
/// A hint that an incident's SLA clock has something to announce at <see cref="CheckAt"/>: a durable scheduled
/// message (stored in PostgreSQL, survives restarts, handled once across nodes). The handler trusts the stream, not
/// the hint, so duplicated or stale checks do no harm.
/// </summary>
public sealed record SlaCheckDue(Guid IncidentId, DateTimeOffset CheckAt);

public static class SlaCheckHandler
{
    /// <summary>When a check finds nothing although something should be due, look again this much later.</summary>
    public static readonly TimeSpan SafetyRecheck = TimeSpan.FromSeconds(1);

    public static async Task Handle(SlaCheckDue check, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        CancellationToken cancellation)
    {
        var view = await session.LoadAsync<IncidentSlaView>(check.IncidentId, cancellation);
        if (view?.State is not { } state)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var notices = SlaClock.DueNotices(state, now);
        if (notices.Count == 0)
        {
            if (SlaClock.NextCheckAt(state, now) is { } next && next <= now)
            {
                await bus.ScheduleAsync(new SlaCheckDue(check.IncidentId, now + SafetyRecheck), now + SafetyRecheck);
            }

            return;
        }

        // The expected version makes a concurrent writer (another node, an API step) fail one of us; the loser retries
        // and then finds the notices already on record.
        session.Events.Append(check.IncidentId, view.Version + notices.Count, notices.ToArray());
        var version = view.Version;
        foreach (var notice in notices)
        {
            if (IntegrationEvents.ForSla(notice, state, ++version) is { } message)
            {
                await bus.PublishAsync(message);
            }
        }

        await SlaScheduling.ScheduleNextCheck(bus, check.IncidentId, state, notices, now, always: true);
        await session.SaveChangesAsync(cancellation);
    }
}

/// <summary>Keeps exactly one pending check per incident for its clock's next instant.</summary>
public static class SlaScheduling
{
    /// <summary>
    /// Schedules a check for the clock's next instant when the new events moved it (writers), or whenever there is one
    /// (<paramref name="always"/>: the check handler that just announced something carries the chain on).
    /// </summary>
    public static async Task ScheduleNextCheck(IMessageBus bus, Guid incidentId, SlaClockState? before, IEnumerable<object> events,
        DateTimeOffset now, bool always = false)
    {
        var after = events.Aggregate(before, SlaClock.Evolve);
        var nextBefore = before is null ? null : SlaClock.NextCheckAt(before, now);
        if (after is not null && SlaClock.NextCheckAt(after, now) is { } next && (always || next != nextBefore))
        {
            var at = next < now ? now : next;
            await bus.ScheduleAsync(new SlaCheckDue(incidentId, at), at);
        }
    }
}
