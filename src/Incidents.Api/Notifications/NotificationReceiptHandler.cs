using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Contracts;
using Incidents.Domain.Notifications;
using Incidents.Projections.Incidents;
using Marten;
using Wolverine.Runtime;

namespace Incidents.Api.Notifications;

/// <summary>
/// Records the notification worker's receipts (<see cref="NotificationAttempted"/>, received from RabbitMQ through
/// Wolverine's MassTransit interop on the queue <c>incidents.receipts</c>) in the incident's stream, through
/// <see cref="IncidentStream"/> like every append: the expected version keeps the hash chain and fails (and is retried by
/// the ConcurrencyException policy) when someone wrote in between. A redelivered receipt is recognised by one indexed
/// look-up in the incident's own events and not recorded twice. A receipt for an id that is not an incident — unknown
/// here (another system's or a test run's incident, on a shared broker) or another kind of stream (a drill, a report) —
/// has no incident document and is dropped: nothing is appended to, or created for, that id. A receipt that is malformed
/// or answers no announcement of the incident (<see cref="ReceiptCheck"/>) is refused, logged and counted, never appended.
/// </summary>
public static class NotificationReceiptHandler
{
    public static async Task Handle(NotificationAttempted receipt, IDocumentSession session, MessageContext bus, TimeProvider clock,
        EscalationPolicyProvider escalation, CancellationToken cancellation)
    {
        // The logger comes from the runtime rather than a new parameter, so the generated handler code stays as it is.
        var log = bus.Runtime.LoggerFactory.CreateLogger(typeof(NotificationReceiptHandler));
        if (ReceiptCheck.Malformed(receipt) is { } malformed)
        {
            ReceiptCheck.Refuse(log, receipt, "malformed", malformed);
            return;
        }

        if (receipt.Trigger == NotificationTriggers.ShiftHandedOver)
        {
            // A hand-off notice's receipt belongs to the hand-off's stream (docs/oncall.md, "Hand-offs").
            await Duty.HandOffs.HandOffReceipts.RecordAsync(receipt, session, cancellation);
            return;
        }

        var before = await session.LoadAsync<IncidentDetails>(receipt.IncidentId, cancellation);
        if (before is null)
        {
            return;
        }

        if (ReceiptCheck.Unannounced(receipt, await AnnouncedTriggerAsync(session, receipt, before.Version, cancellation)) is { } unannounced)
        {
            ReceiptCheck.Refuse(log, receipt, "unannounced", unannounced);
            return;
        }

        object fact = receipt.Outcome switch
        {
            NotificationOutcomes.Sent => new NotificationDelivered(receipt.IncidentId, receipt.Trigger, receipt.SourceVersion,
                receipt.Recipient, receipt.Channel, receipt.Attempt, NotificationEventTypes.Dispatcher, receipt.AttemptedAt, receipt.Lag),
            NotificationOutcomes.Superseded => new NotificationSuperseded(receipt.IncidentId, receipt.Trigger, receipt.SourceVersion,
                receipt.Recipient, receipt.Channel, receipt.Reason ?? receipt.Outcome, NotificationEventTypes.Dispatcher, receipt.AttemptedAt,
                receipt.Lag),
            _ => new NotificationFailed(receipt.IncidentId, receipt.Trigger, receipt.SourceVersion, receipt.Recipient, receipt.Channel,
                receipt.Attempt, receipt.Reason ?? receipt.Outcome, receipt.Outcome == NotificationOutcomes.Retrying,
                NotificationEventTypes.Dispatcher, receipt.AttemptedAt, receipt.Lag),
        };
        if (await AlreadyRecordedAsync(session, receipt.IncidentId, fact, cancellation))
        {
            return;
        }

        session.LastModifiedBy = NotificationEventTypes.Dispatcher.Id;
        await IncidentStream.Stage(session, bus, receipt.IncidentId, before, [fact], clock.GetUtcNow(), escalation.Current);
        await session.SaveChangesAsync(cancellation);
    }

    /// <summary>The trigger the event at the receipt's version was announced under; null when there is no such announced event.</summary>
    private static async Task<string?> AnnouncedTriggerAsync(IDocumentSession session, NotificationAttempted receipt, long head,
        CancellationToken ct)
    {
        if (receipt.SourceVersion > head)
        {
            return null;
        }

        var events = await session.Events.FetchStreamAsync(receipt.IncidentId, receipt.SourceVersion, fromVersion: receipt.SourceVersion,
            token: ct);
        return events.SingleOrDefault(e => e.Version == receipt.SourceVersion) is { } announced
            ? GetNotificationsEndpoint.TriggerOf(announced.Data)
            : null;
    }

    /// <summary>The same receipt is already among this incident's events (containment of its whole JSON, by stream id).</summary>
    private static async Task<bool> AlreadyRecordedAsync(IDocumentSession session, Guid incidentId, object fact, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var found = await session.AdvancedSql.QueryAsync<bool>(
            $"select exists(select 1 from {schema}.mt_events where stream_id = ? and type = ? and data @> ?::jsonb)", ct,
            incidentId, JasperFx.Events.EventTypeExtensions.GetEventTypeName(fact.GetType(), session.DocumentStore.Options.Events.EventNamingStyle),
            session.DocumentStore.Options.Serializer().ToJson(fact));
        return found.Single();
    }
}
