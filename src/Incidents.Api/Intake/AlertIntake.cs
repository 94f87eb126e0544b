using System.Collections.Concurrent;
using Incidents.Api.Escalation;
using Incidents.Api.Http;
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

/// <summary>What happened to a request's alerts: written (with a result per alert), or not written because the key no
/// longer admits the caller or the integration's mapping changed since the alerts were read (read them again with
/// <see cref="Current"/>).</summary>
public sealed record IntakeSubmission(IntakeSubmissionStatus Status, IReadOnlyList<AlertResult> Results, IntakeCaller? Current = null);

public enum IntakeSubmissionStatus
{
    Written,
    KeyRefused,
    IntegrationChanged,
}

/// <summary>
/// Takes accepted alerts into incidents. Alerts of one integration are written in order, one transaction per batch (group
/// commit): a request queues its alerts and waits for the integration's lane; whoever holds the lane writes everything
/// queued so far, so concurrent senders share a transaction instead of fighting over the same intake state and incident
/// streams. A batch costs three round trips whatever its size: one batched read of the integration (its key checked again
/// for every request: a key rotated or revoked on another node refuses from here), the intake state and the keys' dedup
/// records; one batched read of the incidents the alerts may land on; and the commit. It decides with
/// <see cref="IntakeDecider"/> over the whole batch in order and appends through <see cref="IncidentStream.Stage"/> (new
/// incidents exactly as a report: <see cref="IncidentDecider"/>, announced through the outbox, clocks armed). Each request
/// is answered only once its batch is committed. docs/intake.md, "How it is written".
/// </summary>
public sealed class AlertIntake(OutboxedSessionFactory sessions, TimeProvider clock, SlaPolicyProvider policies,
    EscalationPolicyProvider escalation, IntegrationAuthentication keys)
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

    private sealed record Pending(IntakeCaller Caller, IReadOnlyList<IncomingAlert> Alerts, HttpContext Http)
    {
        public TaskCompletionSource<IntakeSubmission> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<IntakeSubmission> SubmitAsync(IntakeCaller caller, IReadOnlyList<IncomingAlert> alerts, HttpContext http, MessageContext bus)
    {
        if (alerts.Count == 0)
        {
            return new IntakeSubmission(IntakeSubmissionStatus.Written, []);
        }

        var lane = _lanes.GetOrAdd(caller.Integration.Id, _ => new Lane());
        var mine = new Pending(caller, alerts, http);
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
                await WriteIsolatingFailuresAsync(Take(lane), http, bus);
            }
        }
        finally
        {
            lane.Gate.Release();
        }

        return await mine.Done.Task;
    }

    /// <summary>
    /// Writes a batch; if it fails for a reason other than a lost race or a missing dependency, each request is written on
    /// its own, so that one request that cannot be written fails alone and the others of its batch are still taken.
    /// </summary>
    private async Task WriteIsolatingFailuresAsync(List<Pending> batch, HttpContext http, MessageContext bus)
    {
        try
        {
            Complete(batch, await WriteAsync(batch, http, bus));
        }
        catch (Exception ex) when (batch.Count > 1 && TransientFaults.DependencyOf(ex) is null)
        {
            await bus.ClearAllAsync();
            foreach (var pending in batch)
            {
                try
                {
                    Complete([pending], await WriteAsync([pending], http, bus));
                }
                catch (Exception alone)
                {
                    await bus.ClearAllAsync();
                    pending.Done.TrySetException(alone);
                }
            }
        }
        catch (Exception ex)
        {
            // One request alone, or the database or broker gone (503 for all: writing them one by one would fail alike).
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private static void Complete(List<Pending> batch, IReadOnlyList<IntakeSubmission> answers)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(answers[i]);
        }
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

    private async Task<IReadOnlyList<IntakeSubmission>> WriteAsync(List<Pending> batch, HttpContext http, MessageContext bus)
    {
        var integrationId = batch[0].Caller.Integration.Id;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = sessions.OpenSession(bus);
            var ct = CancellationToken.None;
            var now = clock.GetUtcNow();

            // One round trip: the integration as stored now, its intake state, and the dedup records of every key queued.
            var keyIds = batch.SelectMany(p => p.Alerts).Select(a => AlertKeyRecord.IdOf(integrationId, a.DedupKey)).Distinct().ToArray();
            var reads = session.CreateBatchQuery();
            var storedIntegration = reads.Load<AlertIntegrationDetails>(integrationId);
            var storedState = reads.Load<AlertIntakeState>(integrationId);
            var storedRecords = reads.LoadMany<AlertKeyRecord>().ById(keyIds);
            await reads.Execute(ct);
            var details = await storedIntegration;
            var state = await storedState ?? new AlertIntakeState { Id = integrationId };

            // The key is checked again against the integration as stored (a key rotated or revoked on another node is refused
            // here), and alerts read with an older mapping are sent back to be read again.
            var answers = new IntakeSubmission?[batch.Count];
            var current = details?.State is { } stored ? new IntakeCaller(stored, details.Version) : null;
            if (current is not null)
            {
                keys.Remember(current);
            }

            var alerts = new List<IncomingAlert>();
            var owners = new List<(int Request, int Index)>();
            for (var r = 0; r < batch.Count; r++)
            {
                var caller = batch[r].Caller;
                if (current is null || current.Integration.Kind != caller.Integration.Kind || !IntegrationKeys.Admits(current.Integration, caller.Key))
                {
                    answers[r] = new IntakeSubmission(IntakeSubmissionStatus.KeyRefused, []);
                    continue;
                }

                if (current.Version != caller.Version)
                {
                    answers[r] = new IntakeSubmission(IntakeSubmissionStatus.IntegrationChanged, [], current with { Key = caller.Key });
                    continue;
                }

                foreach (var alert in batch[r].Alerts)
                {
                    owners.Add((r, alert.Index));
                    alerts.Add(alert with { Index = alerts.Count });
                }
            }

            if (alerts.Count == 0)
            {
                return answers.Select(a => a!).ToList();
            }

            var integration = current!.Integration;
            var records = (await storedRecords).Where(r => r?.State is not null)
                .ToDictionary(r => r.Id[(r.Id.IndexOf(':') + 1)..], r => r.State!);

            // One round trip: the incidents alerts may land on — their keys' incidents, the grouping heads of their systems,
            // and (for the storm limit) the recent openings.
            var systems = alerts.Select(a => a.System).ToHashSet();
            var candidates = records.Values.Select(k => k.IncidentId)
                .Concat(state.Groups.Where(g => systems.Contains(g.Key)).Select(g => g.Value.IncidentId))
                .Concat(state.Openings.Where(o => now - o.At < integration.Mapping.StormWindow).Select(o => o.IncidentId))
                .Distinct()
                .ToList();
            var streams = new Dictionary<Guid, IncidentDetails?>();
            var targets = new Dictionary<Guid, AlertTarget>();
            if (candidates.Count > 0)
            {
                var incidentReads = session.CreateBatchQuery();
                var fetched = candidates.Select(id => (Id: id, Stream: incidentReads.Events.FetchForWriting<IncidentDetails>(id))).ToList();
                await incidentReads.Execute(ct);
                foreach (var (id, fetch) in fetched)
                {
                    var stream = await fetch;
                    streams[id] = stream.Aggregate;
                    if (stream.Aggregate is { State: { } incident } aggregate)
                    {
                        targets[id] = new AlertTarget(id, incident, aggregate.Alerts?.Keys ?? 0, aggregate.Alerts?.Firing ?? 0, aggregate.Alerts?.IsStorm ?? false);
                    }
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

            // Every batch stores the intake state at the version it read: two nodes writing one integration's alerts at once
            // conflict here, and the loser decides again with what the winner wrote.
            state.Groups = plan.Groups.ToDictionary();
            state.Openings = plan.Openings.ToList();
            if (await storedState is not null && session.VersionFor(state) is null)
            {
                throw new InvalidOperationException("The intake state was read without its version; its concurrency check would not hold.");
            }

            session.Store(state);
            Audit.Stamp(session, http, integration.Actor);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (ConcurrencyException) when (attempt < Attempts)
            {
                // Another process wrote to one of these incidents or this integration's intake state: decide again.
                IntakeMetrics.Conflict();
                await bus.ClearAllAsync();
                continue;
            }

            IntakeMetrics.BatchWritten(alerts.Count);
            var results = answers.Select(_ => new List<AlertResult>()).ToList();
            foreach (var result in plan.Results)
            {
                var (request, index) = owners[result.Index];
                results[request].Add(result with { Index = index });
            }

            return answers.Select((a, r) => a ?? new IntakeSubmission(IntakeSubmissionStatus.Written, results[r])).ToList();
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
