using Incidents.Api.Http;
using Incidents.Api.Sla.Checking;
using Incidents.Domain;
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
/// The one path every lifecycle step takes: who is acting, which version the caller saw, the pure decision,
/// then the events, the read models, the next SLA check and the integration messages in one transaction
/// (Wolverine's Marten outbox).
/// </summary>
public static class IncidentWriter
{
    /// <summary>How often a step is re-decided when the system (an SLA notice) or another user wrote in between.</summary>
    private const int Attempts = 3;

    public delegate Decision Decide(Incident state, Actor actor, DateTimeOffset now);

    public static async Task<IResult> Execute(HttpContext http, IDocumentSession session, IMessageBus bus,
        TimeProvider clock, Guid id, Decide decide)
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
            var outcome = await TryOnce(http, session, bus, clock, id, actor, expected, decide);
            if (outcome.Result is { } result)
            {
                return result;
            }

            // Someone wrote between our read and our commit. Decide again on the new state, unless the caller pinned a
            // version that a user (not just the SLA clock) has moved past.
            await Abandon(session, bus);
            if (attempt == Attempts)
            {
                return expected is { } pinned ? Problems.StaleVersion(http, id, pinned, null) : Problems.ConcurrentChange(http, id);
            }

            if (expected is { } seen && !await OnlyClockNoticesSince(session, id, seen, http.RequestAborted))
            {
                return Problems.StaleVersion(http, id, seen, null);
            }

            session = http.RequestServices.GetRequiredService<OutboxedSessionFactory>().OpenSession((MessageContext)bus);
        }
    }

    private sealed record Outcome(IResult? Result);

    private static async Task<Outcome> TryOnce(HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        Guid id, Actor actor, long? expected, Decide decide)
    {
        var ct = http.RequestAborted;
        var stream = await session.Events.FetchForWriting<Incident>(id, ct);
        if (stream.Aggregate is not { } incident)
        {
            return new Outcome(Problems.From(http, IncidentErrors.NotFound(id)));
        }

        var current = stream.StartingVersion ?? 0;
        if (expected is { } seen && seen != current && !await OnlyClockNoticesSince(session, id, seen, ct))
        {
            return new Outcome(Problems.StaleVersion(http, id, seen, current));
        }

        var now = clock.GetUtcNow();
        var decision = decide(incident, actor, now);
        if (decision.Error is { } error)
        {
            return new Outcome(Problems.From(http, error));
        }

        var slaBefore = (await session.LoadAsync<IncidentSlaView>(id, ct))?.State;
        stream.AppendMany(decision.Events);
        await PublishIntegrationEvents(bus, incident, current, decision.Events);
        await SlaScheduling.ScheduleNextCheck(bus, id, slaBefore, decision.Events, now);
        session.CorrelationId = CorrelationId.Of(http);

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return new Outcome(null);
        }

        var details = await session.LoadAsync<IncidentDetails>(id, ct);
        http.Response.Headers.ETag = ETags.For(details!.Version);
        return new Outcome(TypedResults.Ok(IncidentResource.From(details)));
    }

    /// <summary>
    /// True when every event after <paramref name="version"/> is an SLA notice written by the clock: such notices do
    /// not change what a user decided on, so an <c>If-Match</c> of that version still stands.
    /// </summary>
    private static async Task<bool> OnlyClockNoticesSince(IDocumentSession session, Guid id, long version, CancellationToken ct)
    {
        var later = await session.Events.FetchStreamAsync(id, fromVersion: version + 1, token: ct);
        return version > 0 && later.Count > 0 && later.All(e => e.Data is SlaWarningRaised or SlaBreached)
            && later[0].Version == version + 1;
    }

    /// <summary>After a failed commit: forget the pending changes and the messages that would have announced them.</summary>
    public static async Task Abandon(IDocumentSession session, IMessageBus bus)
    {
        session.EjectAllPendingChanges();
        if (bus is MessageContext context)
        {
            await context.ClearAllAsync();
        }
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
