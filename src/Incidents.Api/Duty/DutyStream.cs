using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain;
using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.People;
using Incidents.Domain.Duty.Rosters;
using Incidents.Projections.Duty;
using Marten;

namespace Incidents.Api.Duty;

/// <summary>
/// The one way events reach a person's or a roster's stream: at the expected version, with their links of the hash
/// chain (the head lives in the stream's own document, as for incidents and drills). Returns the document as the events
/// make it; the caller saves.
/// </summary>
public static class DutyStream
{
    public static PersonDetails? Stage(IDocumentSession session, Guid id, PersonDetails? before, IReadOnlyList<object> events) =>
        Stage(session, id, before?.Version ?? 0, before?.ChainHash, before, events,
            (view, data, version, hash) => PersonDetailsProjection.Project(view, id, data, version, hash), typeof(Person));

    public static RosterDetails? Stage(IDocumentSession session, Guid id, RosterDetails? before, IReadOnlyList<object> events) =>
        Stage(session, id, before?.Version ?? 0, before?.ChainHash, before, events, RosterDetailsProjection.Project, typeof(Roster));

    private static T? Stage<T>(IDocumentSession session, Guid id, long version, string? chain, T? before, IReadOnlyList<object> events,
        Func<T?, object, long, string, T?> project, Type streamType) where T : class
    {
        if (events.Count == 0)
        {
            return before;
        }

        var action = before is null
            ? session.Events.StartStream(streamType, id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = chain ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = project(after, e.Data, version, previous);
        }

        return after;
    }

    /// <summary>The ids of the people who may be rostered or paged (active), and the official calendar.</summary>
    public static async Task<DutyContext> ContextAsync(IQuerySession session, CancellationToken ct)
    {
        var active = await session.Query<PersonDetails>().Where(p => p.Active).Select(p => p.PersonId).ToListAsync(ct);
        return new DutyContext(active.ToHashSet(StringComparer.Ordinal), WorkingDayCalendar.Official);
    }

    /// <summary>Everyone of the directory and every roster, as the escalation's resolver of who is on duty.</summary>
    public static async Task<DutyDirectory> DirectoryAsync(IQuerySession session, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var people = batch.Query<PersonDetails>().ToList();
        var rosters = batch.Query<RosterDetails>().ToList();
        await batch.Execute(ct);
        return new DutyDirectory((await people).Where(p => p.State is not null).Select(p => p.State!),
            (await rosters).Where(r => r.State is not null).Select(r => r.State!), WorkingDayCalendar.Official);
    }

    public static IResult StaleVersion(HttpContext http, string what, long expected, long actual) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "duty.version-mismatch", "Stale version",
            $"{what} is at version {actual}, not {expected}; reload it and try again."));

    public static IResult ConcurrentChange(HttpContext http, string what) =>
        Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "duty.concurrent-change", "Changed concurrently",
            $"{what} was changed by someone else while this request was processed; reload it and try again."));

    public static Actor? Actor(HttpContext http) => Security.RequestActor.From(http);
}
