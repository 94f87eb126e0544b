using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain.Reports;
using Incidents.Projections.Reports;
using Marten;
using Wolverine;

namespace Incidents.Api.Reports;

/// <summary>
/// The one way events reach a report's stream (opening, the author's edits, submissions, the purchaser's decisions, notice
/// clocks): given the report's document as loaded, it stages the events at the expected version with their links of the
/// hash chain, and the notice timers a new security event needs, in the session's transaction. The caller saves.
/// </summary>
public static class ReportStream
{
    /// <summary>Stages <paramref name="events"/> after <paramref name="before"/> (null: they open a new report); returns the document as it will be.</summary>
    public static async Task<ReportDetails> Stage(IDocumentSession session, IMessageBus bus, Guid id, ReportDetails? before,
        IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            return before ?? throw new ArgumentException("A new report needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<Report>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = ReportDetailsProjection.Project(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not a report: its first event is {e.Data.GetType().Name}.");
        }

        foreach (var opened in events.OfType<ReportOpened>())
        {
            // One timer at each warning time and each deadline; the handler re-reads the report (timers are hints).
            foreach (var at in opened.NoticesDue.SelectMany(d => new[] { d.WarnAt, d.DueAt }).Distinct())
            {
                await bus.ScheduleAsync(new SecurityNoticeDue(opened.ReportId, at), at);
            }
        }

        return after!;
    }

    /// <summary>Answers with the report and its version as the ETag.</summary>
    public static IResult Answer(HttpContext http, ReportDetails details, DateTimeOffset now, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = ReportResource.From(details.State!, details.Version, now);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }
}

/// <summary>
/// A hint that a security event's notice deadline (or its warning time) is at <see cref="At"/>: a durable scheduled
/// message. The handler records a warning or a breach only for notices still missing then, at most once per recipient.
/// </summary>
public sealed record SecurityNoticeDue(Guid ReportId, DateTimeOffset At);
