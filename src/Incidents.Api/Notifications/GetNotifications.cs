using System.ComponentModel;
using Incidents.Contracts;
using Incidents.Api.Http;
using Incidents.Api.Incidents;
using Incidents.Api.Incidents.Timeline;
using Incidents.Api.Security;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Notifications;
using Incidents.Domain.Sla;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Notifications;

/// <summary>
/// One person told (or not) of one announced change over one channel: the outcome of the last attempt
/// (<c>delivered</c>, <c>retrying</c>, <c>failed</c>, or <c>superseded</c>: not sent because its moment had passed), how
/// many attempts, when the first was made and when it arrived. <see cref="Lag"/> is the delay from the announced event to
/// the delivery (or to the last attempt), <see cref="LagWarning"/> says it is over <see cref="NotificationLag.Threshold"/>.
/// </summary>
public sealed record DeliveryRecord(
    string Recipient,
    string Channel,
    string Outcome,
    int Attempts,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastFailure,
    TimeSpan? Lag = null,
    bool LagWarning = false);

/// <summary>When the delay from an event to its notification is worth a warning (the worker also pages the on-duty engineer).</summary>
public static class NotificationLag
{
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(60);

    public static bool IsLate(TimeSpan? lag) => lag > Threshold;
}

/// <summary>A change the API announced to the notification worker (the event at <see cref="Version"/>) and who was told of it.</summary>
public sealed record Announcement(long Version, string Trigger, DateTimeOffset At, string Summary, IReadOnlyList<DeliveryRecord> Deliveries);

public sealed record IncidentNotifications(Guid IncidentId, long Version, IReadOnlyList<Announcement> Announcements);

/// <summary>The filters of the notifications view, as sent; <see cref="Read"/> checks them.</summary>
public sealed class NotificationsQuery
{
    [FromQuery(Name = "trigger")]
    [Description("Only announcements of this kind: incident-opened, escalated, sla-warning, sla-breached, " +
        "acknowledged, service-restored, ...")]
    public string? Trigger { get; set; }

    [FromQuery(Name = "recipient")]
    [Description("Only deliveries to this recipient (a key of the worker's directory, e.g. project-manager), and only " +
        "the announcements they were told of.")]
    public string? Recipient { get; set; }

    /// <summary>The filters, read; null when either is unreadable, named in <paramref name="errors"/>.</summary>
    public NotificationsFilter? Read(Dictionary<string, string[]> errors)
    {
        var trigger = QueryValues.Text(Trigger, "trigger", 100, errors);
        var recipient = QueryValues.Text(Recipient, "recipient", 200, errors);
        return errors.Count > 0 ? null : new NotificationsFilter(trigger, recipient);
    }
}

/// <summary>The checked filters of the notifications view.</summary>
public sealed record NotificationsFilter(string? Trigger, string? Recipient);

public static class GetNotificationsEndpoint
{
    /// <summary>The delivery receipts the notification worker recorded, grouped by the announcement they answer.</summary>
    [WolverineGet("/api/v1/incidents/{id}/notifications", OperationId = "getIncidentNotifications")]
    [EndpointSummary("Who was told")]
    [EndpointDescription("Every announced change of the incident (report, lifecycle steps, SLA warnings and breaches, " +
        "escalation levels) with the deliveries the notification worker recorded for it: recipient, channel, " +
        "outcome (delivered, retrying, failed, superseded), attempts, when, and the lag from the event to the delivery " +
        "(lagWarning over 60 s).")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Incidents)]
    [ProducesResponseType<IncidentNotifications>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.IncidentId)] Guid id,
        [AsParameters] NotificationsQuery query, HttpContext http,
        IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } filter)
        {
            return Problems.Validation(http, errors);
        }

        var (trigger, recipient) = filter;
        if (await IncidentAccess.ReadStreamAsync(http, session, id) is not { } events)
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var receipts = events
            .Select(e => e.Data switch
            {
                NotificationDelivered d => new Receipt(d.SourceVersion, d.Trigger, d.Recipient, d.Channel, d.At, null, false, d.Lag),
                NotificationFailed f => new Receipt(f.SourceVersion, f.Trigger, f.Recipient, f.Channel, f.At, f.Reason, f.WillRetry, f.Lag),
                NotificationSuperseded x => new Receipt(x.SourceVersion, x.Trigger, x.Recipient, x.Channel, x.At, x.Reason, false, x.Lag,
                    Superseded: true),
                _ => null,
            })
            .OfType<Receipt>()
            .Where(r => recipient is null || string.Equals(r.Recipient, recipient, StringComparison.OrdinalIgnoreCase))
            .ToLookup(r => (r.SourceVersion, r.Trigger));

        var announcements = events
            .Select(e => (Event: e, Trigger: TriggerOf(e.Data)))
            .Where(a => a.Trigger is not null && (trigger is null || a.Trigger == trigger))
            .Select(a => new Announcement(a.Event.Version, a.Trigger!, At(a.Event), GetTimelineEndpoint.Describe(a.Event.Data),
                receipts[(a.Event.Version, a.Trigger!)]
                    .GroupBy(r => (r.Recipient, r.Channel))
                    .Select(Summarise)
                    .ToList()))
            .Where(a => recipient is null || a.Deliveries.Count > 0)
            .ToList();
        return TypedResults.Ok(new IncidentNotifications(id, events[^1].Version, announcements));
    }

    private sealed record Receipt(long SourceVersion, string Trigger, string Recipient, string Channel, DateTimeOffset At, string? Failure,
        bool WillRetry, TimeSpan? Lag, bool Superseded = false);

    private static DeliveryRecord Summarise(IGrouping<(string Recipient, string Channel), Receipt> attempts)
    {
        var ordered = attempts.OrderBy(r => r.At).ToList();
        var delivered = ordered.FirstOrDefault(r => r.Failure is null);
        var last = ordered[^1];
        var outcome = delivered is not null ? "delivered"
            : last.Superseded ? NotificationOutcomes.Superseded
            : last.WillRetry ? NotificationOutcomes.Retrying : NotificationOutcomes.Failed;
        var lag = (delivered ?? last).Lag;
        return new DeliveryRecord(attempts.Key.Recipient, attempts.Key.Channel, outcome, ordered.Count, ordered[0].At, delivered?.At,
            ordered.LastOrDefault(r => r.Failure is not null)?.Failure, lag, NotificationLag.IsLate(lag));
    }

    /// <summary>The trigger the notification worker knows this event by (as in the integration messages); null when not announced.</summary>
    internal static string? TriggerOf(object data) => data switch
    {
        IncidentReported => NotificationTriggers.IncidentOpened,
        SlaWarningRaised => NotificationTriggers.SlaWarning,
        SlaBreached => NotificationTriggers.SlaBreached,
        EscalationLevelRaised => NotificationTriggers.Escalated,
        IIncidentNotice => null,
        IIncidentEvent => IntegrationEvents.StepOf(data),
        _ => null,
    };

    private static DateTimeOffset At(IEvent e) => e.Data is IIncidentEvent fact ? fact.At : e.Timestamp;
}
