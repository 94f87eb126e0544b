using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using JasperFx;
using Marten;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Drills;

/// <summary>
/// How one drill step runs (reschedule, cancel, complete): load the drill's document once, check the version the caller
/// saw (<c>If-Match</c>), call the slice's decision, stage the events through <see cref="DrillStream"/>, save, and answer
/// with the document as the events make it.
/// </summary>
public sealed class DrillStep(OutboxedSessionFactory sessions, TimeProvider clock)
{
    /// <summary>A decision may need to read (the other drills booked on a system): it gets the step's session.</summary>
    public delegate Task<Decision> Decide(Drill drill, Actor actor, DateTimeOffset now, IQuerySession session);

    public async Task<IResult> Run(HttpContext http, MessageContext bus, Guid id, Decide decide)
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

        await using var session = sessions.OpenSession(bus);
        var stream = await session.Events.FetchForWriting<DrillDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } drill } before)
        {
            return Problems.From(http, DrillErrors.NotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return DrillStream.StaleVersion(http, id, seen, before.Version);
        }

        var now = clock.GetUtcNow();
        var decision = await decide(drill, actor, now, session);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = await DrillStream.Stage(session, bus, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return DrillStream.ConcurrentChange(http, id);
        }

        return DrillStream.Answer(http, after);
    }
}
