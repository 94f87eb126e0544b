using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Marten;
using Wolverine;

namespace Incidents.Api.Drills;

/// <summary>
/// The one way events reach a drill's stream (scheduling, the drill steps, starts, inject outcomes): given the drill's
/// document as loaded, it stages the events at the expected version with their links of the hash chain and the durable
/// start timer a new or moved start needs, in the session's transaction. The caller saves.
/// </summary>
public static class DrillStream
{
    /// <summary>Stages <paramref name="events"/> after <paramref name="before"/> (null: they schedule a new drill); returns the document as it will be.</summary>
    public static async Task<DrillDetails> Stage(IDocumentSession session, IMessageBus bus, Guid id, DrillDetails? before,
        IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            // Nothing decided, nothing to append: an append of no events must never reach the store (issue #17).
            return before ?? throw new ArgumentException("A new drill needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<Drill>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = DrillDetailsProjection.Project(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not a drill: its first event is {e.Data.GetType().Name}.");
        }

        await ScheduleStart(bus, events);
        return after!;
    }

    /// <summary>A new or moved planned start gets a durable timer for exactly that start (stale timers do nothing).</summary>
    private static async Task ScheduleStart(IMessageBus bus, IEnumerable<object> events)
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
                await bus.ScheduleAsync(new DrillStartDue(drillId, start), start);
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

    /// <summary>Answers with the drill document and its version as the ETag.</summary>
    public static IResult Answer(HttpContext http, DrillDetails details, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = DrillResource.From(details);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }

    public static IResult StaleVersion(HttpContext http, Guid id, long expected, long actual) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "drill.version-mismatch", "Stale version",
            $"Drill {id} is at version {actual}, not {expected}; reload it and try again."));

    public static IResult ConcurrentChange(HttpContext http, Guid id) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "drill.concurrent-change", "Changed concurrently",
            $"Drill {id} was changed by someone else while this request was processed; reload it and try again."));
}
