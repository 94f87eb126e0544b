using Incidents.Api.Clocks;
using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Clocks;
using Incidents.Projections.Incidents;
using JasperFx;
using Marten;
using Wolverine.Runtime;

namespace Incidents.Api.Sla.Checking;

/// <summary>
/// Handles due clock checks (<see cref="SlaCheckDue"/>) in batches (Wolverine batches them on a local queue): one query
/// loads the documents of every incident in the batch, the domain's <see cref="ClockTick"/> says what each one records
/// (SLA warnings and breaches, then the escalation levels they and the waits make due) and when to check next, and one
/// transaction records, announces and re-arms them all. A storm of simultaneous deadlines thus costs a few transactions,
/// not one per incident, and the SLA and escalation notices of one incident never race each other.
/// </summary>
public static class SlaCheckBatchHandler
{
    public static async Task Handle(SlaCheckDue[] checks, IDocumentSession session, MessageContext bus, TimeProvider clock,
        EscalationPolicyProvider escalation, CancellationToken cancellation)
    {
        var ids = checks.Select(c => c.IncidentId).Distinct().ToArray();
        var documents = await session.LoadManyAsync<IncidentDetails>(cancellation, ids);
        var now = clock.GetUtcNow();
        foreach (var check in checks)
        {
            Telemetry.IncidentsMetrics.CheckRan(now - check.CheckAt);
        }

        var policy = await escalation.WithDutyAsync(session, cancellation);
        var recorded = 0;
        foreach (var before in documents)
        {
            var tick = ClockTick.At(before.Clocks(), policy, now);
            if (tick.HasNotices)
            {
                await IncidentStream.Stage(session, bus, before.Id, before, tick.Notices, now, policy, tick);
                recorded += tick.Notices.Count;
            }
            else if (tick.NextCheckAt is { } recheck)
            {
                await ClockChecks.Schedule(bus, before.Id, recheck);
            }
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
            session.EjectAllPendingChanges();
            await bus.ClearAllAsync();
            foreach (var id in ids)
            {
                await bus.SendAsync(new SlaCheckDue(id, now));
            }
        }
    }
}
