using Incidents.Contracts;
using Incidents.Domain.Incidents;
using Incidents.Domain.Notifications;
using Marten;

namespace Incidents.Api.Notifications;

/// <summary>
/// Records the notification worker's receipts (<see cref="NotificationAttempted"/>, received from RabbitMQ through
/// Wolverine's MassTransit interop on the queue <c>incidents.receipts</c>) in the incident's stream. The append uses
/// the expected version, so it keeps the hash chain and fails (and is retried by the ConcurrencyException policy) when
/// someone wrote in between. A redelivered receipt is recognised and not recorded twice. A receipt for an id that is not
/// an incident — unknown here (another system's or a test run's incident, on a shared broker) or another kind of stream (a
/// drill, a report) — is dropped: nothing is appended to, or created for, that id.
/// </summary>
public static class NotificationReceiptHandler
{
    public static async Task Handle(NotificationAttempted receipt, IDocumentSession session, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchStreamAsync(receipt.IncidentId, token: cancellation);
        if (stream.Count == 0 || Incident.From(stream.Select(e => e.Data)) is null)
        {
            return;
        }

        object fact = receipt.Outcome == "sent"
            ? new NotificationDelivered(receipt.IncidentId, receipt.Trigger, receipt.SourceVersion, receipt.Recipient, receipt.Channel,
                receipt.Attempt, NotificationEventTypes.Dispatcher, receipt.AttemptedAt)
            : new NotificationFailed(receipt.IncidentId, receipt.Trigger, receipt.SourceVersion, receipt.Recipient, receipt.Channel,
                receipt.Attempt, receipt.Reason ?? receipt.Outcome, receipt.Outcome == "retrying", NotificationEventTypes.Dispatcher,
                receipt.AttemptedAt);
        if (stream.Any(e => Equals(e.Data, fact)))
        {
            return;
        }

        session.LastModifiedBy = NotificationEventTypes.Dispatcher.Id;
        session.Events.Append(receipt.IncidentId, stream[^1].Version + 1, fact);
        await session.SaveChangesAsync(cancellation);
    }
}
