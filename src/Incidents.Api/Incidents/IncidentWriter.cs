using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Api.Escalation;
using Incidents.Api.Sla.Checking;
using Incidents.Domain;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using Incidents.Projections.Sla;
using JasperFx;
using Marten;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Incidents;

/// <summary>
/// The one path every lifecycle step takes: who is acting and whether they may act on this incident, which version the
/// caller saw, the pure decision, then the events, the read models, the next SLA check and the integration messages in
/// one transaction (Wolverine's Marten outbox).
/// </summary>
public static class IncidentWriter
{
    /// <summary>How often a step is re-decided when the system (an SLA notice) or another user wrote in between.</summary>
    private const int Attempts = 3;

    public delegate Decision Decide(Incident state, Actor actor, DateTimeOffset now);

    public static async Task<IResult> Execute(HttpContext http, IDocumentSession session, IMessageBus bus,
        TimeProvider clock, Guid id, Decide decide, ResponderScope scope = ResponderScope.AssignedOnly)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryOnce(http, session, bus, clock, id, actor, expected, decide, scope);
            if (outcome.Result is { } result)
            {
                return result;
            }

            // Someone wrote between our read and our commit: decide again on the new state. If the caller pinned a version
            // that a user (not just the SLA clock) has moved past, the next attempt answers 412.
            await Abandon(session, bus);
            if (attempt == Attempts)
            {
                return expected is { } pinned ? Problems.StaleVersion(http, id, pinned, null) : Problems.ConcurrentChange(http, id);
            }

            session = http.RequestServices.GetRequiredService<OutboxedSessionFactory>().OpenSession((MessageContext)bus);
        }
    }

    private sealed record Outcome(IResult? Result);

    private static async Task<Outcome> TryOnce(HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        Guid id, Actor actor, long? expected, Decide decide, ResponderScope scope)
    {
        // One read gives everything the decision needs: the write model, the SLA clock, the version and what moved it.
        var ct = http.RequestAborted;
        var stored = await session.Events.FetchStreamAsync(id, token: ct);
        var history = stored.Select(e => e.Data).ToList();
        if (stored.Count == 0 || Incident.From(history) is not { } incident)
        {
            return new Outcome(Problems.From(http, IncidentErrors.NotFound(id)));
        }

        var before = Project(stored.Select(e => (e.Data, e.Version)));
        if (!IncidentAccess.MaySee(http, before.IsDrill))
        {
            return new Outcome(Problems.From(http, IncidentErrors.NotFound(id)));
        }

        if (!IncidentAccess.MayWork(http, before, scope))
        {
            return new Outcome(IncidentAccess.NotAssigned(http, id));
        }

        var current = stored[^1].Version;
        if (expected is { } seen && seen != current && !OnlyNoticesAfter(stored, seen))
        {
            return new Outcome(Problems.StaleVersion(http, id, seen, current));
        }

        var now = clock.GetUtcNow();
        var decision = decide(incident, actor, now);
        if (decision.Error is { } error)
        {
            return new Outcome(Problems.From(http, error));
        }

        await Append(session, bus, incident, history, current, decision.Events, now,
            http.RequestServices.GetRequiredService<EscalationPolicyProvider>().Current);
        Audit.Stamp(session, http, actor);

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return new Outcome(null);
        }

        var details = Project(stored.Select(e => (e.Data, e.Version))
            .Concat(decision.Events.Select((e, i) => (e, current + i + 1))));
        http.Response.Headers.ETag = ETags.For(details.Version);
        return new Outcome(TypedResults.Ok(IncidentResource.From(details, http)));
    }

    /// <summary>
    /// Stages a decided step on an incident whose stream (<paramref name="history"/>, at version <paramref name="current"/>)
    /// was just read: the events at the expected version, their integration events and the next check of its clocks (SLA
    /// and escalation; a reclassification may move both) — in the session's transaction; the caller saves. Every step
    /// takes this path, a user's through <see cref="Execute"/> and a drill inject's through its handler.
    /// </summary>
    public static async Task Append(IDocumentSession session, IMessageBus bus, Incident incident, IReadOnlyList<object> history,
        long current, IReadOnlyList<object> events, DateTimeOffset now, EscalationPolicy escalation)
    {
        if (events.Count == 0)
        {
            return; // nothing decided, nothing to append: an append of no events must not reach the store
        }

        // Appending at an expected version makes a concurrent writer fail at commit instead of overwriting.
        session.Events.Append(incident.Id, current + events.Count, events.ToArray());
        await PublishIntegrationEvents(bus, incident, current, events);
        await SlaScheduling.ScheduleNextCheck(bus, incident.Id, IncidentClocks.From(history), events, escalation, now);
    }

    /// <summary>The read model for these events, computed as the inline projection stores it.</summary>
    public static IncidentDetails Project(IEnumerable<(object Data, long Version)> events) =>
        events.Aggregate((IncidentDetails?)null, (view, e) => IncidentDetailsProjection.Project(view, e.Data, e.Version))
        ?? throw new InvalidOperationException("An incident stream starts with IncidentReported.");

    /// <summary>
    /// True when every event after <paramref name="version"/> is a notice (<see cref="IIncidentNotice"/>): notices do not
    /// change what a user decided on, so an <c>If-Match</c> of that version still stands.
    /// </summary>
    private static bool OnlyNoticesAfter(IReadOnlyList<JasperFx.Events.IEvent> stored, long version) =>
        version > 0 && version <= stored[^1].Version
        && stored.Where(e => e.Version > version).All(e => e.Data is IIncidentNotice);

    /// <summary>After a failed commit: forget the pending changes and the messages that would have announced them.</summary>
    public static async Task Abandon(IDocumentSession session, IMessageBus bus)
    {
        session.EjectAllPendingChanges();
        if (bus is MessageContext context)
        {
            await context.ClearAllAsync();
        }
    }

    /// <summary>
    /// Opens an incident: its stream, the announcement of it and its first SLA check, all in the session's transaction.
    /// The one way an incident comes into being (reported by the desk, or started by a drill).
    /// </summary>
    public static async Task Open(IDocumentSession session, IMessageBus bus, Guid id, IReadOnlyList<object> reported,
        DateTimeOffset now, EscalationPolicy escalation)
    {
        // The escalation chain starts with the incident: level 1 is recorded in the same transaction as the report.
        var opened = IncidentClocks.From(reported);
        IReadOnlyList<EscalationLevelRaised> level1 = opened.Escalation is { } chain
            ? EscalationClock.Due(chain, escalation.For(chain.Class), now)
            : [];
        session.Events.StartStream<Incident>(id, [.. reported, .. level1]);
        await PublishIntegrationEvents(bus, null, 0, reported);
        if (Incident.From(reported) is { } incident)
        {
            var version = (long)reported.Count;
            foreach (var level in level1)
            {
                await bus.PublishAsync(IntegrationEvents.ForEscalation(level, incident.Title, incident.Class, incident.AffectedSystem,
                    incident.IsDrill, ++version));
            }
        }

        // One pending check for both clocks: the first SLA warning or the next escalation level, whichever comes first.
        await SlaScheduling.ScheduleNextCheck(bus, id, new IncidentClocks(null, null), [.. reported, .. level1], escalation, now);
    }

    public static async Task PublishIntegrationEvents(IMessageBus bus, Incident? before, long startingVersion,
        IReadOnlyList<object> events)
    {
        var state = before;
        var version = startingVersion;
        foreach (var @event in events)
        {
            state = Incident.Evolve(state, @event);
            version++;
            if (state is not null && IntegrationEvents.For(@event, state, version) is { } message)
            {
                await bus.PublishAsync(message);
            }
        }
    }
}
