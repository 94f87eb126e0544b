using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.Rosters;
using Incidents.Projections.Duty;
using JasperFx;
using Marten;

namespace Incidents.Api.Duty.Rosters;

/// <summary>How a roster change runs: one load, If-Match, the directory's active people, decide, stage with the chain link, save.</summary>
public static class RosterStep
{
    public static async Task<IResult> Run(HttpContext http, IDocumentSession session, TimeProvider clock, Guid id,
        Func<Roster, DutyContext, Actor, DateTimeOffset, Decision> decide)
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

        var stream = await session.Events.FetchForWriting<RosterDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } roster } before)
        {
            return Problems.From(http, DutyErrors.RosterNotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return DutyStream.StaleVersion(http, $"Roster {id}", seen, before.Version);
        }

        var context = await DutyStream.ContextAsync(session, http.RequestAborted);
        var decision = decide(roster, context, actor, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = DutyStream.Stage(session, id, before, decision.Events)!;
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return DutyStream.ConcurrentChange(http, $"Roster {id}");
        }

        http.Response.Headers.ETag = ETags.For(after.Version);
        return TypedResults.Ok(RosterResource.From(after));
    }
}
