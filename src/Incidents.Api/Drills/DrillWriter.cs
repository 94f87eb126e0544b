using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using JasperFx;
using Marten;
using Wolverine;

namespace Incidents.Api.Drills;

/// <summary>
/// The one path every drill step takes: who acts, which version they saw (<c>If-Match</c>), the pure decision, then the
/// events, the read model and the durable start timer in one transaction (Wolverine's Marten outbox).
/// </summary>
public static class DrillWriter
{
    public delegate Task<Decision> Decide(Drill state, Actor actor, DateTimeOffset now);

    public static async Task<IResult> Execute(HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        Guid id, Decide decide)
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

        var stored = await session.Events.FetchStreamAsync(id, token: http.RequestAborted);
        if (stored.Count == 0 || Drill.From(stored.Select(e => e.Data)) is not { } drill)
        {
            return Problems.From(http, DrillErrors.NotFound(id));
        }

        var current = stored[^1].Version;
        if (expected is { } seen && seen != current)
        {
            return StaleVersion(http, id, seen, current);
        }

        var now = clock.GetUtcNow();
        var decision = await decide(drill, actor, now);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        if (decision.Events.Count > 0)
        {
            session.Events.Append(id, current + decision.Events.Count, decision.Events.ToArray());
        }

        await ScheduleStart(bus, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return ConcurrentChange(http, id);
        }

        return Answer(http, stored.Select(e => (e.Data, e.Version)).Concat(decision.Events.Select((e, i) => (e, current + i + 1))));
    }

    /// <summary>Answers with the drill as these events make it, and its version as the ETag.</summary>
    public static IResult Answer(HttpContext http, IEnumerable<(object Data, long Version)> events, bool created = false)
    {
        var details = events.Aggregate((DrillDetails?)null, (view, e) => DrillDetailsProjection.Project(view, e.Data, e.Version))
            ?? throw new InvalidOperationException("A drill stream starts with DrillScheduled.");
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = DrillResource.From(details);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }

    /// <summary>A new or moved planned start gets a durable timer for exactly that start (stale timers do nothing).</summary>
    public static async Task ScheduleStart(IMessageBus bus, IEnumerable<object> events)
    {
        foreach (var @event in events)
        {
            var (drillId, start) = @event switch
            {
                DrillScheduled e => (e.DrillId, e.PlannedStart),
                DrillRescheduled e => (e.DrillId, e.To),
                _ => (Guid.Empty, default),
            };
            if (drillId != Guid.Empty)
            {
                await bus.ScheduleAsync(new Starting.DrillStartDue(drillId, start), start);
            }
        }
    }

    /// <summary>The other drills still scheduled or running on this system, and the systems drills may use.</summary>
    public static async Task<DrillBookings> BookingsAsync(IQuerySession session, DrillOptions options, string system, CancellationToken ct)
    {
        var booked = await session.Query<DrillDetails>()
            .Where(d => d.AffectedSystem == system && (d.Status == DrillStatus.Scheduled || d.Status == DrillStatus.Started))
            .ToListAsync(ct);
        return new DrillBookings(options.KnownSystems,
            booked.Select(d => new DrillWindow(d.Id, d.AffectedSystem, d.PlannedStart, d.ExpectedDuration)).ToList());
    }

    public static IResult StaleVersion(HttpContext http, Guid id, long expected, long actual) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "drill.version-mismatch", "Stale version",
            $"Drill {id} is at version {actual}, not {expected}; reload it and try again."));

    public static IResult ConcurrentChange(HttpContext http, Guid id) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "drill.concurrent-change", "Changed concurrently",
            $"Drill {id} was changed by someone else while this request was processed; reload it and try again."));
}
