using System.Collections.Concurrent;
using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Api.Security;
using Incidents.Api.Sla;
using Incidents.Domain.Incidents;
using Incidents.Domain.Intake;
using Incidents.Projections.Incidents;
using Incidents.Projections.Intake;
using JasperFx;
using Marten;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Intake;

/// <summary>
/// Takes accepted alerts into incidents. Alerts of one integration are written in order, one transaction per batch (group
/// commit): a request queues its alerts and waits for the integration's lane; whoever holds the lane writes everything
/// queued so far, so concurrent senders share a transaction instead of fighting over the same incident stream. Each
/// batch loads the integration's intake state, the keys' dedup records and the incidents they point to once, decides with
/// <see cref="IntakeDecider"/>, and appends through <see cref="IncidentStream.Stage"/> (new incidents exactly as a report:
/// <see cref="IncidentDecider"/>, announced through the outbox, clocks armed).
/// </summary>
public sealed class AlertIntake(OutboxedSessionFactory sessions, TimeProvider clock, SlaPolicyProvider policies,
    EscalationPolicyProvider escalation)
{
    /// <summary>Alerts written in one transaction at most; more stay queued for the next holder of the lane.</summary>
    public const int MaxBatch = 2000;

    private const int Attempts = 4;

    private readonly ConcurrentDictionary<Guid, Lane> _lanes = new();

    private sealed class Lane
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly Lock Sync = new();
        public List<Pending> Queue = [];
    }

    private sealed record Pending(AlertIntegration Integration, IReadOnlyList<IncomingAlert> Alerts)
    {
        public TaskCompletionSource<IReadOnlyList<AlertResult>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<IReadOnlyList<AlertResult>> SubmitAsync(AlertIntegration integration, IReadOnlyList<IncomingAlert> alerts,
        HttpContext http, MessageContext bus)
    {
        if (alerts.Count == 0)
        {
            return [];
        }

        var lane = _lanes.GetOrAdd(integration.Id, _ => new Lane());
        var mine = new Pending(integration, alerts);
        lock (lane.Sync)
        {
            lane.Queue.Add(mine);
        }

        // Not cancellable: once queued, the alerts are written whether or not this caller is still waiting.
        await lane.Gate.WaitAsync(CancellationToken.None);
        try
        {
            if (!mine.Done.Task.IsCompleted)
            {
                var batch = Take(lane);
                try
                {
                    var results = await WriteAsync(batch, http, bus);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Done.TrySetResult(results[i]);
                    }
                }
                catch (Exception ex)
                {
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetException(ex);
                    }
                }
            }
        }
        finally
        {
            lane.Gate.Release();
        }

        return await mine.Done.Task;
    }

    private static List<Pending> Take(Lane lane)
    {
        lock (lane.Sync)
        {
            var batch = new List<Pending>();
            var count = 0;
            foreach (var pending in lane.Queue)
            {
                if (batch.Count > 0 && count + pending.Alerts.Count > MaxBatch)
                {
                    break;
                }

                batch.Add(pending);
                count += pending.Alerts.Count;
            }

            lane.Queue = lane.Queue.Skip(batch.Count).ToList();
            return batch;
        }
    }

    private async Task<List<IReadOnlyList<AlertResult>>> WriteAsync(List<Pending> batch, HttpContext http, MessageContext bus)
    {
        // The newest view of the integration decides (a mapping changed between two queued requests applies to both).
        var integration = batch[^1].Integration;
        var alerts = new List<IncomingAlert>();
        var owners = new List<(int Request, int Index)>();
        for (var r = 0; r < batch.Count; r++)
        {
            foreach (var alert in batch[r].Alerts)
            {
                owners.Add((r, alert.Index));
                alerts.Add(alert with { Index = alerts.Count });
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var session = sessions.OpenSession(bus);
            var ct = CancellationToken.None;
            var now = clock.GetUtcNow();
            var state = await session.LoadAsync<AlertIntakeState>(integration.Id, ct) ?? new AlertIntakeState { Id = integration.Id };
            var keyIds = alerts.Select(a => AlertKeyRecord.IdOf(integration.Id, a.DedupKey)).Distinct().ToArray();
            var records = (await session.LoadManyAsync<AlertKeyRecord>(ct, keyIds)).Where(r => r?.State is not null)
                .ToDictionary(r => r.Id[(r.Id.IndexOf(':') + 1)..], r => r.State!);

            // The incidents alerts may land on: their keys' incidents, the grouping heads of their systems, and (for the storm
            // limit) the recent openings.
            var systems = alerts.Select(a => a.System).ToHashSet();
            var candidates = records.Values.Select(k => k.IncidentId)
                .Concat(state.Groups.Where(g => systems.Contains(g.Key)).Select(g => g.Value.IncidentId))
                .Concat(state.Openings.Where(o => now - o.At < integration.Mapping.StormWindow).Select(o => o.IncidentId))
                .Distinct()
                .ToList();
            var streams = new Dictionary<Guid, IncidentDetails?>();
            var targets = new Dictionary<Guid, AlertTarget>();
            foreach (var id in candidates)
            {
                var stream = await session.Events.FetchForWriting<IncidentDetails>(id, ct);
                streams[id] = stream.Aggregate;
                if (stream.Aggregate is { State: { } incident } details)
                {
                    targets[id] = new AlertTarget(id, incident, details.Alerts?.Keys ?? 0, details.Alerts?.Firing ?? 0, details.Alerts?.IsStorm ?? false);
                }
            }

            var plan = IntakeDecider.Decide(integration, alerts,
                new IntakeSnapshot(state.Groups, state.Openings, records, targets), now, Guid.CreateVersion7);

            foreach (var incident in plan.Incidents)
            {
                var before = streams.GetValueOrDefault(incident.Id);
                var events = new List<object>();
                if (incident.Opens is { } first)
                {
                    events.AddRange(Open(incident.Id, integration, first, now));
                }

                events.AddRange(incident.Events);
                if (incident.RecordRestored && Restore(before, events, integration, now) is { } restored)
                {
                    events.Add(restored);
                }

                await IncidentStream.Stage(session, bus, incident.Id, before, events, now, escalation.Current);
            }

            foreach (var (key, keyState) in plan.Keys)
            {
                session.Store(new AlertKeyRecord { Id = AlertKeyRecord.IdOf(integration.Id, key), IntegrationId = integration.Id, State = keyState });
            }

            state.Groups = plan.Groups.ToDictionary();
            state.Openings = plan.Openings.ToList();
            session.Store(state);
            Audit.Stamp(session, http, integration.Actor);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (ConcurrencyException) when (attempt < Attempts)
            {
                // Another process wrote to one of these incidents or this integration's intake state: decide again.
                await bus.ClearAllAsync();
                continue;
            }

            var answers = batch.Select(_ => new List<AlertResult>()).ToList();
            foreach (var result in plan.Results)
            {
                var (request, index) = owners[result.Index];
                answers[request].Add(result with { Index = index });
            }

            return answers.Select(a => (IReadOnlyList<AlertResult>)a).ToList();
        }
    }

    /// <summary>The report of a new incident for its first alert: the same decision as the desk's report, by the integration.</summary>
    private IReadOnlyList<object> Open(Guid id, AlertIntegration integration, IncomingAlert first, DateTimeOffset now)
    {
        var command = new ReportIncident(id, first.Summary, first.Description, first.System, first.Class, IntakeChannel.Monitoring,
            new Reporter(integration.Name, null, null), IsDrill: false, DrillId: null, policies.Current, integration.Actor,
            escalation.Current.For(first.Class),
            first.OccurredAt is { } at && IntakeDecider.OccurredAtProblem(at, now) is null ? at : null);
        var decision = IncidentDecider.Decide(command, null, now);
        return decision.Error is { } error ? throw new InvalidOperationException(error.Detail) : decision.Events;
    }

    /// <summary>"Resolved" configured to record the service restored: the desk's restore step, taken by the integration when allowed.</summary>
    private static object? Restore(IncidentDetails? before, List<object> events, AlertIntegration integration, DateTimeOffset now)
    {
        var state = events.Aggregate(before?.State, Incident.Evolve);
        if (state is null)
        {
            return null;
        }

        var decision = IncidentDecider.Decide(new RestoreService("Monitoring says every alert on this incident recovered.", integration.Actor), state, now);
        return decision.IsAccepted ? decision.Events.FirstOrDefault() : null;
    }
}
