using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Marten;
using Wolverine;

namespace Incidents.Api.Drills.Injecting;

/// <summary>
/// A hint that inject <see cref="Index"/> of a drill falls due at <see cref="DueAt"/> for its synthetic incident: a durable
/// scheduled message (stored in PostgreSQL with the start, survives restarts, handled once across nodes). The handler trusts
/// the streams, not the hint: a drill no longer running that incident, or an inject already recorded, does nothing.
/// </summary>
public sealed record DrillInjectDue(Guid DrillId, int Index, Guid IncidentId, DateTimeOffset DueAt);

/// <summary>
/// Applies a due inject to the synthetic incident as the drill script, through the incident decider and the incident write
/// path (<see cref="IncidentWriter.Append"/>: expected version, integration events, the next check of the SLA and
/// escalation clocks), and records the outcome on the drill — applied, or skipped with the decider's refusal code — all in
/// one transaction. A concurrent writer on either stream makes the commit fail; Wolverine retries (the
/// ConcurrencyException policy) and the retry decides again on the new state.
/// </summary>
public static class DrillInjectDueHandler
{
    public static async Task Handle(DrillInjectDue due, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        EscalationPolicyProvider escalation, ILogger<DrillInjectDue> logger, CancellationToken cancellation)
    {
        var drillStream = await session.Events.FetchStreamAsync(due.DrillId, token: cancellation);
        if (drillStream.Count == 0 || Drill.From(drillStream.Select(e => e.Data)) is not { } drill)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var record = new RecordDrillInject(due.Index, due.IncidentId, DrillInjectOutcome.Applied, null, DrillInjects.Script);
        if (DrillDecider.Decide(record, drill, now).Error is { } stale)
        {
            // Completed, cancelled, another incident, or recorded already (a duplicate): the normal fate of a late timer.
            logger.LogInformation("Drill {DrillId} inject {Index} not applied: {Code}", due.DrillId, due.Index, stale.Code);
            return;
        }

        var incidentStream = await session.Events.FetchStreamAsync(due.IncidentId, token: cancellation);
        var history = incidentStream.Select(e => e.Data).ToList();
        if (incidentStream.Count == 0 || Incident.From(history) is not { } incident)
        {
            return;
        }

        var applied = DrillInjects.Decide(drill.Injects[due.Index], due.Index, incident, Guid.CreateVersion7(), now);
        if (applied.Error is { } refused)
        {
            record = record with { Outcome = DrillInjectOutcome.Skipped, Reason = refused.Code };
        }
        else
        {
            await IncidentWriter.Append(session, bus, incident, history, incidentStream[^1].Version, applied.Events, now, escalation.Current);
        }

        var recorded = DrillDecider.Decide(record, drill, now);
        if (recorded.Events.Count > 0)
        {
            session.Events.Append(due.DrillId, drillStream[^1].Version + recorded.Events.Count, recorded.Events.ToArray());
        }

        session.LastModifiedBy = DrillInjects.Script.Id;
        await session.SaveChangesAsync(cancellation);
    }
}
