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
/// A hint that an incident's SLA clock has something to announce at <see cref="CheckAt"/>: a durable scheduled
/// message (stored in PostgreSQL, survives restarts, handled once across nodes). The handler trusts the stream, not
/// the hint, so duplicated or stale checks do no harm.
/// </summary>
public sealed record SlaCheckDue(Guid IncidentId, DateTimeOffset CheckAt);

/// <summary>
/// Handles due checks in batches (Wolverine batches <see cref="SlaCheckDue"/> messages of the local queue): one query
/// loads every clock of the batch, one transaction records all their notices, announces them and schedules each clock's
/// next check. A storm of simultaneous deadlines thus costs a few transactions, not one per incident.
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

    /// <summary>Stages the notices due for one clock; returns how many.</summary>
    private static async Task<int> Record(IDocumentSession session, IMessageBus bus, IncidentSlaView view, DateTimeOffset now,
        EscalationPolicy escalation)
    {
        if (view.State is not { } state)
        {
            return 0;
        }

        var notices = SlaClock.DueNotices(state, now);
        if (notices.Count == 0)
        {
            if (SlaClock.NextCheckAt(state, now) is { } next && next <= now)
            {
                await bus.ScheduleAsync(new SlaCheckDue(view.Id, now + SafetyRecheck), now + SafetyRecheck);
            }

            return 0;
        }

        // The expected version makes a concurrent writer fail one of us at commit instead of both recording.
        session.Events.Append(view.Id, view.Version + notices.Count, notices.ToArray());
        var version = view.Version;
        foreach (var notice in notices)
        {
            if (IntegrationEvents.ForSla(notice, state, ++version) is { } message)
            {
                await bus.PublishAsync(message);
            }
        }

        await SlaScheduling.ScheduleNextCheck(bus, view.Id, state, notices, now, always: true);
        if (notices.Any(n => n is SlaBreached) && escalation.For(state.Class) is not null)
        {
            // A breach moves an unacknowledged incident's escalation on at once (the check knows whether it still runs).
            await bus.SendAsync(new EscalationCheckDue(view.Id, now));
        }

        return notices.Count;
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
