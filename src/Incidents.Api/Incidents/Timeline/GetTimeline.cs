using System.ComponentModel;
using System.Text.Json;
using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Timeline;

/// <summary>
/// One fact in an incident's life: what, who (user id and display name; the system for SLA notices), when, why (the
/// correlation id of the conversation and the causation id of the request or message that caused it), its link in the
/// tamper-evident chain, and the whole event as stored (reporter contact masked for roles that do not call back).
/// </summary>
public sealed record TimelineEntry(
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset At,
    DateTimeOffset RecordedAt,
    Actor By,
    string Summary,
    string? CorrelationId,
    string? CausationId,
    string? Hash,
    object Data);

/// <summary>
/// A page of an incident's timeline: <see cref="Version"/> is the whole stream's (the ETag), <see cref="Next"/> the link
/// to the following page, null on the last.
/// </summary>
public sealed record IncidentTimeline(Guid IncidentId, long Version, IReadOnlyList<TimelineEntry> Entries, string? Next = null);

/// <summary>The page of a timeline, as sent; <see cref="Read"/> checks it.</summary>
public sealed class TimelineQuery
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 1000;

    [FromQuery(Name = "after")]
    [Description("Continue after this version: entries with a higher version only (absent: from the first event).")]
    public string? After { get; set; }

    [FromQuery(Name = "limit")]
    [Description("Entries per page, 1 to 1000 (default 500).")]
    [System.ComponentModel.DataAnnotations.Range(1, MaxLimit)]
    public string? Limit { get; set; }

    public (long After, int Limit)? Read(Dictionary<string, string[]> errors)
    {
        var limit = QueryValues.Int(Limit, "limit", DefaultLimit, 1, MaxLimit, errors);
        var after = After is null ? 0 : QueryValues.PositiveLong(After, "after", "'after' must be a version (a whole number from 1).", errors);
        return errors.Count > 0 ? null : (after ?? 0, limit);
    }
}

public static class GetTimelineEndpoint
{
    [WolverineGet("/api/v1/incidents/{id}/timeline", OperationId = "getIncidentTimeline")]
    [EndpointSummary("Timeline of an incident")]
    [EndpointDescription("The incident's events in order, straight from its stream, a page at a time (after, limit; `next` links " +
        "the following page): what, who, when, the correlation id and the hash that chains it to the one before.")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Incidents)]
    [ProducesResponseType<IncidentTimeline>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.IncidentId)] Guid id, [AsParameters] TimelineQuery query,
        HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } wanted)
        {
            return Problems.Validation(http, errors);
        }

        var (after, limit) = wanted;

        // The document says whether the caller may see the incident and how long its stream is; then only the page is read.
        var incident = await session.LoadAsync<Projections.Incidents.IncidentDetails>(id, http.RequestAborted);
        if (incident is null || !IncidentAccess.MaySee(http, incident.IsDrill))
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == id && e.Version > after)
            .OrderBy(e => e.Version)
            .Take(limit + 1)
            .ToListAsync(http.RequestAborted);
        var page = events.Take(limit).ToList();
        var entries = page.Select(e => new TimelineEntry(
            e.Version,
            e.Sequence,
            JsonNamingPolicy.KebabCaseLower.ConvertName(e.EventType.Name),
            e.Data is IIncidentEvent fact ? fact.At : e.Timestamp,
            e.Timestamp,
            (e.Data as IIncidentEvent)?.By ?? Actor.System,
            Describe(e.Data),
            e.CorrelationId,
            e.CausationId,
            EventChain.StoredHash(e),
            e.Data is IncidentReported reported
                ? reported with { Reporter = IncidentAccess.ReporterFor(http, reported.Reporter) }
                : e.Data)).ToList();

        var version = Math.Max(incident.Version, events.Count > 0 ? events[^1].Version : 0);
        var next = events.Count > limit ? $"{http.Request.Path}?after={page[^1].Version}&limit={limit}" : null;
        http.Response.Headers.ETag = ETags.For(version);
        return TypedResults.Ok(new IncidentTimeline(id, version, entries, next));
    }

    internal static string Describe(object data) => data switch
    {
        IncidentReported e => $"{e.By.Name} recorded {Article(e.Class)} {Words(e.Class)} on {e.AffectedSystem} reported by {e.Reporter.Name} via {Words(e.Channel)}{(e.IsDrill ? " (DRILL)" : "")}: {e.Title}",
        IncidentReclassified e => $"{e.By.Name} reclassified it from {Words(e.From)} to {Words(e.To)}: {e.Reason}",
        IncidentAcknowledged e => $"{e.By.Name} acknowledged it",
        ResponderAssigned e => $"{e.By.Name} assigned {e.Responder.Name}{(e.Responder.Team is null ? "" : $" ({e.Responder.Team})")}",
        ResponderDispatched e => $"{e.By.Name} dispatched responder {e.ResponderId}{(e.Note is null ? "" : $": {e.Note}")}",
        ResponderArrivedOnSite e => $"Responder {e.ResponderId} arrived on site (recorded by {e.By.Name})",
        ServiceRestored e => $"{e.By.Name} recorded the service as restored: {e.Summary}",
        IncidentResolved e => $"{e.By.Name} resolved it ({Words(e.Cause)}): {e.Summary}",
        IncidentClosed e => $"{e.By.Name} closed it{(e.Satisfaction is { } s ? $", reporter satisfaction {s}/5" : "")}",
        IncidentReopened e => $"{e.By.Name} reopened it: {e.Reason}",
        IncidentCancelled e => $"{e.By.Name} cancelled it as {Words(e.Reason)}{(e.DuplicateOf is { } d ? $" of {d}" : "")}: {e.Explanation}",
        IncidentCommentAdded e => $"{e.By.Name} commented: {e.Text}",
        SlaWarningRaised e => $"SLA warning: {Words(e.Stage)} stage at {e.Threshold:P0} of its target, due {e.DueAt:u}",
        SlaBreached e => $"SLA breached: {Words(e.Stage)} stage not met within {Duration(e.Target)} (due {e.DueAt:u})",
        Domain.Notifications.NotificationDelivered e => $"Notified {e.Recipient} by {e.Channel} of {Trigger(e.Trigger)} (attempt {e.Attempt})",
        Domain.Notifications.NotificationFailed e => $"Notifying {e.Recipient} by {e.Channel} of {Trigger(e.Trigger)} failed (attempt {e.Attempt}{(e.WillRetry ? ", will retry" : "")}): {e.Reason}",
        Domain.Notifications.NotificationSuperseded e => $"Did not notify {e.Recipient} by {e.Channel} of {Trigger(e.Trigger)}: superseded ({e.Reason})",
        Domain.Escalation.EscalationLevelRaised e => Escalated(e),
        Domain.Assurance.IncidentUnderKeyAssurance e => $"Reported during key-assurance period {e.PeriodName}: held to its tighter SLA and escalation policy",
        _ => data.GetType().Name,
    };

    private static string Trigger(string trigger) => trigger == Contracts.NotificationTriggers.Escalated ? "escalation" : trigger.Replace('-', ' ');

    private static string Escalated(Domain.Escalation.EscalationLevelRaised e)
    {
        var why = e.Reason switch
        {
            Domain.Escalation.EscalationReason.Opened => "the chain started",
            Domain.Escalation.EscalationReason.SlaBreached => $"the {Words(e.BreachedStage ?? SlaStage.Acknowledge)} stage was breached",
            _ => "nobody acknowledged in time",
        };
        var next = e.NextAt is { } at ? $"; next level due {at:u} unless acknowledged" : "; the chain is exhausted";
        var whom = string.Join(", ", [.. (e.Paged ?? []).Select(p => $"{p.Name} ({p.Reason.ToString().ToLowerInvariant()}{(p.RosterName is { } r ? $" in {r}" : "")})"),
            .. e.Recipients, .. (e.Gaps ?? []).Select(g => $"nobody on duty for {g.Target}")]);
        return $"Escalation level {e.Level}{(e.Round > 1 ? $" (round {e.Round})" : "")} raised, paging {e.LevelName} ({whom}): {why}{next}";
    }

    private static string Duration(TimeSpan span) => System.Xml.XmlConvert.ToString(span);

    private static string Article(IncidentClass incidentClass) => incidentClass == IncidentClass.Outage ? "an" : "a";

    private static string Words<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString()).Replace('-', ' ');
}
