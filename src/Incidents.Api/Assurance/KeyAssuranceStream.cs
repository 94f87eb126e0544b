using Incidents.Api.Assurance.Windows;
using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Wolverine;

namespace Incidents.Api.Assurance;

/// <summary>
/// The one way events reach a key-assurance period's stream (planning, cancelling, the window's timers): given the period's
/// document as loaded, it stages the events at the expected version with their links of the hash chain (the head is kept in
/// the document, for the next append, and in the period's <see cref="IncidentChainHead"/>, where the integrity check reads
/// it), and the durable timers a new window needs, in the session's transaction. The caller saves.
/// </summary>
public static class KeyAssuranceStream
{
    public static async Task<KeyAssurancePeriodDetails> Stage(IDocumentSession session, IMessageBus bus, Guid id,
        KeyAssurancePeriodDetails? before, IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            return before ?? throw new ArgumentException("A new key-assurance period needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<KeyAssurancePeriod>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = KeyAssurancePeriodDetailsProjection.Project(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not a key-assurance period: its first event is {e.Data.GetType().Name}.");
        }

        session.Store(new IncidentChainHead { Id = id, Version = version, Hash = previous });
        foreach (var planned in events.OfType<KeyAssurancePeriodPlanned>())
        {
            await bus.ScheduleAsync(new KeyAssuranceWindowOpens(planned.PeriodId, planned.Start), planned.Start);
            await bus.ScheduleAsync(new KeyAssuranceWindowCloses(planned.PeriodId, planned.End), planned.End);
        }

        return after!;
    }

    /// <summary>The write models of the periods active at <paramref name="at"/> (status active, window open).</summary>
    public static async Task<IReadOnlyList<KeyAssurancePeriod>> ActiveAtAsync(IQuerySession session, DateTimeOffset at, CancellationToken ct)
    {
        var active = await session.Query<KeyAssurancePeriodDetails>()
            .Where(p => p.Status == KeyAssuranceStatus.Active && p.Start <= at && p.End > at)
            .ToListAsync(ct);
        return active.Select(p => p.State).OfType<KeyAssurancePeriod>().ToList();
    }

    public static IResult Answer(HttpContext http, KeyAssurancePeriodDetails details, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = KeyAssurancePeriodResource.From(details);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }

    public static IResult StaleVersion(HttpContext http, Guid id, long expected, long actual) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "assurance.version-mismatch", "Stale version",
            $"Key-assurance period {id} is at version {actual}, not {expected}; reload it and try again."));

    public static IResult ConcurrentChange(HttpContext http, Guid id) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "assurance.concurrent-change", "Changed concurrently",
            $"Key-assurance period {id} was changed by someone else while this request was processed; reload it and try again."));

    /// <summary>
    /// A refusal as a problem; a refusal about a field of the request (its detail starts with "field: ") also names the field
    /// in <c>errors</c>, as a validation problem does.
    /// </summary>
    public static IResult Refused(HttpContext http, global::Incidents.Domain.DomainError error)
    {
        var colon = error.Detail.IndexOf(": ", StringComparison.Ordinal);
        var field = colon > 0 && !error.Detail[..colon].Contains(' ', StringComparison.Ordinal) ? error.Detail[..colon] : null;
        return field is null
            ? Problems.From(http, error)
            : Problems.Result(Problems.Create(http, Problems.StatusFor(error.Kind), error.Code, error.Title, error.Detail,
                new Dictionary<string, string[]> { [field] = [error.Detail[(colon + 2)..]] }));
    }
}
