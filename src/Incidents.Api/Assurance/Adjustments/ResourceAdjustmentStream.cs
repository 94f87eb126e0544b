using System.Xml;
using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Wolverine;

namespace Incidents.Api.Assurance.Adjustments;

/// <summary>
/// The one way events reach a resource adjustment's stream (the request, the clock's notices, the completion): it stages the
/// events at the expected version with their chain links (head in the document and in its <see cref="IncidentChainHead"/>),
/// one integration message per event through the outbox, and the clock's next check — all in the session's transaction.
/// The caller saves.
/// </summary>
public static class ResourceAdjustmentStream
{
    public static async Task<ResourceAdjustmentDetails> Stage(IDocumentSession session, IMessageBus bus, Guid id,
        ResourceAdjustmentDetails? before, IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            return before ?? throw new ArgumentException("A new resource adjustment needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<ResourceAdjustment>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = ResourceAdjustmentDetailsProjection.Project(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not a resource adjustment: its first event is {e.Data.GetType().Name}.");
            if (Message(e.Data, after, version) is { } message)
            {
                await bus.PublishAsync(message);
            }
        }

        session.Store(new IncidentChainHead { Id = id, Version = version, Hash = previous });
        if (after!.NextDueAt is { } next && next != before?.NextDueAt)
        {
            await bus.ScheduleAsync(new ResourceAdjustmentCheckDue(id, next), next);
        }

        return after;
    }

    /// <summary>The integration message announcing one event (docs/assurance.md), given the document right after it.</summary>
    public static object? Message(object @event, ResourceAdjustmentDetails after, long version) => @event switch
    {
        ResourceAdjustmentRequested e => new ResourceAdjustmentOpened(e.AdjustmentId, e.PeriodId, e.PeriodName, e.System, e.Description,
            XmlConvert.ToString(e.Policy.Target), e.At, e.DueAt, Info(e.By), version),
        ResourceAdjustmentWarningRaised e => new ResourceAdjustmentSlaWarning(e.AdjustmentId, after.PeriodId, after.PeriodName, after.System,
            after.Description, e.Threshold, e.DueAt, e.At, version),
        ResourceAdjustmentBreached e => new ResourceAdjustmentSlaBreached(e.AdjustmentId, after.PeriodId, after.PeriodName, after.System,
            after.Description, XmlConvert.ToString(e.Target), e.DueAt, version),
        ResourceAdjustmentDone e => new ResourceAdjustmentCompleted(e.AdjustmentId, after.PeriodId, after.PeriodName, after.System, e.InTime,
            e.At, Info(e.By), version),
        _ => null,
    };

    private static ActorInfo Info(Actor actor) => new(actor.Id, actor.Name);

    public static IResult Answer(HttpContext http, ResourceAdjustmentDetails details, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = ResourceAdjustmentResource.From(details);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }
}

/// <summary>
/// A hint that a resource adjustment's clock has something to say at <see cref="CheckAt"/> (a warning or the breach): a
/// durable scheduled message. The handler trusts the stream: it records only what is due and not yet recorded.
/// </summary>
public sealed record ResourceAdjustmentCheckDue(Guid AdjustmentId, DateTimeOffset CheckAt);

public static class ResourceAdjustmentCheckDueHandler
{
    public static async Task Handle(ResourceAdjustmentCheckDue check, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        CancellationToken ct)
    {
        var before = await session.LoadAsync<ResourceAdjustmentDetails>(check.AdjustmentId, ct);
        if (before?.State is not { } adjustment)
        {
            return;
        }

        var notices = ResourceAdjustmentDecider.DueNotices(adjustment, clock.GetUtcNow());
        if (notices.Count == 0)
        {
            // Early, duplicated or stale (done meanwhile): nothing to record; a pending check for the next instant stands.
            return;
        }

        session.LastModifiedBy = Actor.System.Id;
        await Stage(session, bus, before, notices);
        // A concurrent completion makes the commit throw; Wolverine retries and the retry sees the adjustment done.
        await session.SaveChangesAsync(ct);
    }

    private static Task<ResourceAdjustmentDetails> Stage(IDocumentSession session, IMessageBus bus, ResourceAdjustmentDetails before,
        IReadOnlyList<object> notices) => ResourceAdjustmentStream.Stage(session, bus, before.Id, before, notices);
}
