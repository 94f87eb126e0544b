using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Reports;
using Incidents.Projections.Reports;
using JasperFx;
using Marten;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Reports;

/// <summary>
/// How one report step runs (record sections, add or complete an action, submit, review, containment, notices): load the
/// report's document once, check the version the caller saw (<c>If-Match</c>), call the slice's decision, stage the events
/// through <see cref="ReportStream"/>, save, and answer with the report as the events make it.
/// </summary>
public sealed class ReportStep(OutboxedSessionFactory sessions, TimeProvider clock)
{
    public delegate Decision Decide(Report report, Actor actor, DateTimeOffset now);

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
        var stream = await session.Events.FetchForWriting<ReportDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } report } before)
        {
            return Problems.From(http, ReportErrors.NotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "report.version-mismatch", "Stale version",
                $"Report {id} is at version {before.Version}, not {seen}; reload it and try again."));
        }

        var now = clock.GetUtcNow();
        var decision = decide(report, actor, now);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = await ReportStream.Stage(session, bus, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "report.concurrent-change", "Changed concurrently",
                $"Report {id} was changed by someone else while this request was processed; reload it and try again."));
        }

        return ReportStream.Answer(http, after, now);
    }
}
