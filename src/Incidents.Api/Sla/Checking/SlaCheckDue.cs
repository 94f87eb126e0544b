using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Escalation;
using Incidents.Domain.Sla;
using Incidents.Projections.Sla;
using JasperFx;
using Marten;
using Wolverine;

namespace Incidents.Api.Sla.Checking;

/// <summary>
/// A hint that an incident's clocks — its SLA clock or its escalation chain — have something to announce at
/// <see cref="CheckAt"/>: a durable scheduled message (stored in PostgreSQL, survives restarts, handled once across
/// nodes). One pending check per incident covers both clocks. The handler trusts the stream, not the hint, so
/// duplicated or stale checks do no harm.
/// </summary>
public sealed record SlaCheckDue(Guid IncidentId, DateTimeOffset CheckAt);

/// <summary>
/// Handles due checks in batches (Wolverine batches <see cref="SlaCheckDue"/> messages of the local queue): one query
/// loads every clock of the batch, one transaction records all their notices (SLA warnings and breaches, then the
/// escalation levels they and the waits make due), announces them and schedules each incident's next check. A storm of
/// simultaneous deadlines thus costs a few transactions, not one per incident, and the SLA and escalation notices of one
/// incident never race each other.
/// </summary>
public static class SlaCheckBatchHandler
{
    /// <summary>When a check finds nothing although something should be due, look again this much later.</summary>
    public static readonly TimeSpan SafetyRecheck = TimeSpan.FromSeconds(1);

    public static async Task Handle(SlaCheckDue[] checks, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        EscalationPolicyProvider escalation, CancellationToken cancellation)
    {
        var ids = checks.Select(c => c.IncidentId).Distinct().ToArray();
        var views = await session.LoadManyAsync<IncidentSlaView>(cancellation, ids);
        var now = clock.GetUtcNow();
        var recorded = 0;
        foreach (var view in views)
        {
            recorded += await Record(session, bus, view, now, escalation.Current);
        }

        if (recorded == 0)
        {
            return;
        }

        session.LastModifiedBy = Actor.System.Id;

        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (ConcurrencyException) when (ids.Length > 1)
        {
            // Someone (an API step, another node) wrote to one of these incidents meanwhile. Drop the batch and check
            // each incident again on its own: the checks are idempotent, so nothing is recorded twice.
            await IncidentWriter.Abandon(session, bus);
            foreach (var id in ids)
            {
                await bus.SendAsync(new SlaCheckDue(id, now));
            }
        }
    }

    /// <summary>Stages the notices due for one incident; returns how many.</summary>
    private static async Task<int> Record(IDocumentSession session, IMessageBus bus, IncidentSlaView view, DateTimeOffset now,
        EscalationPolicy escalation)
    {
        if (view.State is not { } state)
        {
            return 0;
        }

        var before = new IncidentClocks(state, view.Escalation);
        var notices = SlaClock.DueNotices(state, now);
        // The breaches just found move an unacknowledged incident's escalation on at once, in the same append.
        var escalated = before.Escalation is { } chainState
            ? EscalationClock.Due(notices.Aggregate(chainState, (s, n) => EscalationClock.Evolve(s, n)!), escalation.For(chainState.Class), now)
            : [];
        if (notices.Count + escalated.Count == 0)
        {
            if (before.NextCheckAt(escalation, now) is { } next && next <= now)
            {
                await bus.ScheduleAsync(new SlaCheckDue(view.Id, now + SafetyRecheck), now + SafetyRecheck);
            }

            return 0;
        }

        object[] recorded = [.. notices, .. escalated];
        // The expected version makes a concurrent writer fail one of us at commit instead of both recording.
        session.Events.Append(view.Id, view.Version + recorded.Length, recorded);
        var version = view.Version;
        foreach (var notice in recorded)
        {
            var message = notice is EscalationLevelRaised level
                ? IntegrationEvents.ForEscalation(level, state.Title, state.Class, state.AffectedSystem, state.IsDrill, ++version)
                : IntegrationEvents.ForSla(notice, state, ++version);
            if (message is not null)
            {
                await bus.PublishAsync(message);
            }
        }

        await SlaScheduling.ScheduleNextCheck(bus, view.Id, before, recorded, escalation, now, always: true);
        return recorded.Length;
    }
}

/// <summary>Both clocks of an incident, as the scheduling of its one pending check needs them.</summary>
public sealed record IncidentClocks(SlaClockState? Sla, EscalationState? Escalation)
{
    public static IncidentClocks From(IEnumerable<object> history)
    {
        var events = history as IReadOnlyCollection<object> ?? history.ToList();
        return new IncidentClocks(SlaClock.From(events), EscalationClock.From(events));
    }

    public IncidentClocks Then(IEnumerable<object> events) => events.Aggregate(this, (clocks, e) =>
        new IncidentClocks(SlaClock.Evolve(clocks.Sla, e), EscalationClock.Evolve(clocks.Escalation, e)));

    /// <summary>The earlier of the SLA clock's next instant and the escalation chain's.</summary>
    public DateTimeOffset? NextCheckAt(EscalationPolicy escalation, DateTimeOffset now)
    {
        var sla = Sla is null ? null : SlaClock.NextCheckAt(Sla, now);
        var chain = Escalation is null ? null : EscalationClock.NextCheckAt(Escalation, escalation.For(Escalation.Class));
        return (sla, chain) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, var b) => b,
        };
    }
}

/// <summary>Keeps exactly one pending check per incident for the next instant of either of its clocks.</summary>
public static class SlaScheduling
{
    /// <summary>
    /// Schedules a check for the clocks' next instant when the new events moved it (writers), or whenever there is one
    /// (<paramref name="always"/>: the check handler that just announced something carries the chain on).
    /// </summary>
    public static async Task ScheduleNextCheck(IMessageBus bus, Guid incidentId, IncidentClocks before, IEnumerable<object> events,
        EscalationPolicy escalation, DateTimeOffset now, bool always = false)
    {
        var after = before.Then(events);
        var nextBefore = before.NextCheckAt(escalation, now);
        if (after.NextCheckAt(escalation, now) is { } next && (always || next != nextBefore))
        {
            var at = next < now ? now : next;
            await bus.ScheduleAsync(new SlaCheckDue(incidentId, at), at);
        }
    }
}
