using Incidents.Api.Http;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using JasperFx;
using Marten;
using Wolverine;
using Wolverine.Runtime;

namespace Incidents.Api.Incidents;

/// <summary>
/// The one path every lifecycle step takes: who is acting, which version the caller saw, the pure decision,
/// then the events, the read model and the integration messages in one transaction (Wolverine's Marten outbox).
/// </summary>
public static class IncidentWriter
{
    public delegate Decision Decide(Incident state, Actor actor, DateTimeOffset now);

    public static async Task<IResult> Execute(HttpContext http, IDocumentSession session, IMessageBus bus,
        TimeProvider clock, Guid id, Decide decide)
    {
        var ct = http.RequestAborted;
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        JasperFx.Events.IEventStream<Incident> stream;
        try
        {
            stream = expected is { } version
                ? await session.Events.FetchForWriting<Incident>(id, version, ct)
                : await session.Events.FetchForWriting<Incident>(id, ct);
        }
        catch (ConcurrencyException)
        {
            var state = await session.Events.FetchStreamStateAsync(id, ct);
            return state is null
                ? Problems.From(http, IncidentErrors.NotFound(id))
                : Problems.StaleVersion(http, id, expected!.Value, state.Version);
        }

        if (stream.Aggregate is not { } incident)
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var decision = decide(incident, actor, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        stream.AppendMany(decision.Events);
        await PublishIntegrationEvents(bus, incident, stream.StartingVersion ?? 0, decision.Events);
        session.CorrelationId = CorrelationId.Of(http);

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            await Abandon(session, bus);
            return expected is { } version
                ? Problems.StaleVersion(http, id, version, null)
                : Problems.ConcurrentChange(http, id);
        }

        var details = await session.LoadAsync<IncidentDetails>(id, ct);
        http.Response.Headers.ETag = ETags.For(details!.Version);
        return TypedResults.Ok(IncidentResource.From(details));
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
