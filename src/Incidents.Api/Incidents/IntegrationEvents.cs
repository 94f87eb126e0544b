using System.Text.Json;
using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;

namespace Incidents.Api.Incidents;

/// <summary>Translates stored facts into the integration messages other services listen to.</summary>
public static class IntegrationEvents
{
    public static string Kebab<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static ActorInfo Info(Actor actor) => new(actor.Id, actor.Name);

    /// <summary>The message for one appended event, given the incident's document right after it.</summary>
    public static object? For(object @event, IncidentDetails after, long version) => @event switch
    {
        IncidentReported e => new IncidentOpened(e.IncidentId, e.Title, e.AffectedSystem, Kebab(e.Class), Kebab(e.Channel),
            e.IsDrill, e.DrillId, e.At, Info(e.By), version),
        SlaWarningRaised e => new IncidentSlaWarning(e.IncidentId, after.Title, Kebab(after.Class), after.AffectedSystem, after.IsDrill,
            Kebab(e.Stage), e.Threshold, e.DueAt, e.At, version),
        SlaBreached e => new IncidentSlaBreached(e.IncidentId, after.Title, Kebab(after.Class), after.AffectedSystem, after.IsDrill,
            Kebab(e.Stage), System.Xml.XmlConvert.ToString(e.Target), e.DueAt, version),
        EscalationLevelRaised e => new IncidentEscalated(e.IncidentId, after.Title, Kebab(after.Class), after.AffectedSystem,
            after.IsDrill, e.Level, e.Round, e.LevelName, e.Recipients, Kebab(e.Reason),
            e.BreachedStage is { } stage ? Kebab(stage) : null, e.At, e.NextAt, version,
            e.Paged?.Select(p => new PagedRecipient(p.PersonId, p.Name, p.Target, Kebab(p.Reason), p.RosterId, p.RosterName,
                p.Contacts.Mobile, p.Contacts.Email, p.Contacts.WeCom, p.Contacts.DingTalk, p.Contacts.Feishu)).ToList()),
        IIncidentNotice => null,
        IIncidentEvent e => new IncidentLifecycleChanged(e.IncidentId, StepOf(@event), Kebab(after.Status), Kebab(after.Class),
            after.AffectedSystem, after.IsDrill, e.At, Info(e.By), version, DetailOf(@event)),
        _ => null,
    };

    /// <summary>
    /// One message per change: a report and the escalation level it raises travel as one <see cref="IncidentOpened"/>
    /// carrying that level, not as two messages (each costs an outbox row and a broker round trip).
    /// </summary>
    public static IReadOnlyList<object> OnePerChange(List<object> messages) => messages switch
    {
        [IncidentOpened opened, IncidentEscalated level1, ..] => [opened with { FirstEscalation = level1 }, .. messages.Skip(2)],
        _ => messages,
    };

    public static string StepOf(object @event) => @event switch
    {
        IncidentReclassified => "reclassified",
        IncidentAcknowledged => "acknowledged",
        ResponderAssigned => "responder-assigned",
        ResponderDispatched => "responder-dispatched",
        ResponderArrivedOnSite => "responder-on-site",
        ServiceRestored => "service-restored",
        IncidentResolved => "resolved",
        IncidentClosed => "closed",
        IncidentReopened => "reopened",
        IncidentCancelled => "cancelled",
        IncidentCommentAdded => "comment-added",
        _ => JsonNamingPolicy.KebabCaseLower.ConvertName(@event.GetType().Name),
    };

    private static string? DetailOf(object @event) => @event switch
    {
        IncidentReclassified e => $"{Kebab(e.From)} -> {Kebab(e.To)}",
        ResponderAssigned e => e.Responder.Id,
        ResponderDispatched e => e.ResponderId,
        ResponderArrivedOnSite e => e.ResponderId,
        IncidentResolved e => Kebab(e.Cause),
        IncidentCancelled e => Kebab(e.Reason),
        _ => null,
    };
}
