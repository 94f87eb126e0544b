using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.People;
using Incidents.Projections.Duty;
using JasperFx;
using Marten;

namespace Incidents.Api.Duty.People;

/// <summary>How a change to a person runs: one load, If-Match, decide, stage with the chain link, save, answer the entry.</summary>
public static class PersonStep
{
    public static async Task<IResult> Run(HttpContext http, IDocumentSession session, TimeProvider clock, string personId,
        Func<Person, Actor, DateTimeOffset, Decision> decide)
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

        var id = Person.StreamId(personId);
        var stream = await session.Events.FetchForWriting<PersonDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } person } before)
        {
            return Problems.From(http, DutyErrors.PersonNotFound(personId));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return DutyStream.StaleVersion(http, $"Person {personId}", seen, before.Version);
        }

        var decision = decide(person, actor, clock.GetUtcNow());
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
            return DutyStream.ConcurrentChange(http, $"Person {personId}");
        }

        http.Response.Headers.ETag = ETags.For(after.Version);
        return TypedResults.Ok(PersonResource.From(after, http));
    }
}
