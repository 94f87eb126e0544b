using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.Rosters;
using Incidents.Projections.Duty;
using JasperFx;
using Marten;
using Wolverine;

namespace Incidents.Api.Duty.Rosters;

/// <summary>How a roster change runs: one load, If-Match, the directory's active people, decide, stage with the chain link, save.</summary>
public static class RosterStep
{
    public static async Task<IResult> Run(HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock, Guid id,
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
        var now = clock.GetUtcNow();
        var decision = decide(roster, context, actor, now);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = DutyStream.Stage(session, id, before, decision.Events)!;
        // The roster changed: its next hand-off may have moved (docs/oncall.md, "Hand-offs"); older hints go stale.
        await HandOffs.HandOffTimer.ArmAsync(bus, after.State!, now);
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
