using Incidents.Api.Escalation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using JasperFx;
using Marten;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Incidents;

/// <summary>
/// How one lifecycle step runs, whatever the step: load the incident's document once (Marten's FetchForWriting; the
/// inline projection reuses the loaded instance at commit), check who may act on it and which version they saw, call the
/// slice's pure decision, stage the events through <see cref="IncidentStream"/>, save, and answer with the document as
/// the events make it. Each slice (<c>Incidents/Acknowledging/...</c>) supplies only its route, validation, access scope
/// and decision.
/// </summary>
public sealed class IncidentStep(OutboxedSessionFactory sessions, TimeProvider clock, EscalationPolicyProvider escalation)
{
    /// <summary>How often a step is decided again when the system (a clock notice, a receipt) or a user wrote in between.</summary>
    private const int Attempts = 3;

    public delegate Decision Decide(Incident incident, Actor actor, DateTimeOffset now);

    /// <param name="forResponder">The responder a dispatch or an arrival is recorded for: a responder may record it for
    /// themselves only (the desk for anyone).</param>
    public async Task<IResult> Run(HttpContext http, MessageContext bus, Guid id, Decide decide,
        ResponderScope scope = ResponderScope.AssignedOnly, string? forResponder = null)
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

        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            await using var session = sessions.OpenSession(bus);
            var stream = await session.Events.FetchForWriting<IncidentDetails>(id, http.RequestAborted);
            if (stream.Aggregate is not { State: { } incident } before || !IncidentAccess.MaySee(http, before.IsDrill))
            {
                return Problems.From(http, IncidentErrors.NotFound(id));
            }

            if (!IncidentAccess.MayWork(http, before, scope))
            {
                return IncidentAccess.NotAssigned(http, id);
            }

            if (forResponder is not null && !IncidentAccess.MayActFor(http, forResponder))
            {
                return IncidentAccess.NotForOthers(http, forResponder);
            }

            if (expected is { } seen && !IncidentVersions.StillStands(seen, before.ChangeVersion, before.Version))
            {
                return Problems.StaleVersion(http, id, seen, before.ChangeVersion);
            }

            var now = clock.GetUtcNow();
            var decision = decide(incident, actor, now);
            if (decision.Error is { } error)
            {
                return Problems.From(http, error);
            }

            var after = await IncidentStream.Stage(session, bus, id, before, decision.Events, now, escalation.Current);
            Audit.Stamp(session, http, actor);
            try
            {
                await session.SaveChangesAsync(http.RequestAborted);
            }
            catch (ConcurrencyException)
            {
                // Someone wrote between our read and our commit: forget what this attempt would have announced and decide
                // again on the new state. A caller whose If-Match a person has since moved past gets 412 next time round.
                await bus.ClearAllAsync();
                continue;
            }

            http.Response.Headers.ETag = ETags.For(after.ChangeVersion);
            return TypedResults.Ok(IncidentResource.From(after, http));
        }

        return expected is { } pinned ? Problems.StaleVersion(http, id, pinned, null) : Problems.ConcurrentChange(http, id);
    }
}
