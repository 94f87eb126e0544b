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

public sealed record IncidentTimeline(Guid IncidentId, long Version, IReadOnlyList<TimelineEntry> Entries);

public static class GetTimelineEndpoint
{
    [WolverineGet("/api/v1/incidents/{id}/timeline", OperationId = "getIncidentTimeline")]
    [EndpointSummary("Timeline of an incident")]
    [EndpointDescription("Every event of the incident in order, straight from its stream: what, who, when, the correlation id and " +
        "the hash that chains it to the one before.")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Incidents)]
    [ProducesResponseType<IncidentTimeline>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.IncidentId)] Guid id, HttpContext http, IQuerySession session)
    {
        if (await IncidentAccess.ReadStreamAsync(http, session, id) is not { } events)
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var entries = events.Select(e => new TimelineEntry(
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

        http.Response.Headers.ETag = ETags.For(events[^1].Version);
        return TypedResults.Ok(new IncidentTimeline(id, events[^1].Version, entries));
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
        return $"Escalation level {e.Level}{(e.Round > 1 ? $" (round {e.Round})" : "")} raised, paging {e.LevelName} ({string.Join(", ", e.Recipients)}): {why}{next}";
    }

    private static string Duration(TimeSpan span) => System.Xml.XmlConvert.ToString(span);

    private static string Article(IncidentClass incidentClass) => incidentClass == IncidentClass.Outage ? "an" : "a";

    private static string Words<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString()).Replace('-', ' ');
}
