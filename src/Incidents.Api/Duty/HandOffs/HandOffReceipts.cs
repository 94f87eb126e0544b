using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Duty.HandOffs;
using Incidents.Projections.Duty;
using Marten;

namespace Incidents.Api.Duty.HandOffs;

/// <summary>
/// The worker's receipts of hand-off notices (<see cref="NotificationAttempted"/> with trigger
/// <see cref="NotificationTriggers.ShiftHandedOver"/>, on the same queue as every receipt): recorded on the hand-off's stream
/// as <see cref="HandOffNoticeDelivered"/> or <see cref="HandOffNoticeFailed"/> at the expected version (a concurrent
/// writer makes the commit fail and the receipt is retried). A receipt equal to the last one recorded for that channel is
/// not recorded twice; a receipt for an unknown hand-off is dropped.
/// </summary>
public static class HandOffReceipts
{
    public static async Task RecordAsync(NotificationAttempted receipt, IDocumentSession session, CancellationToken ct)
    {
        var before = await session.LoadAsync<HandOffDetails>(receipt.IncidentId, ct);
        if (before is null)
        {
            return;
        }

        var outcome = receipt.Outcome switch
        {
            NotificationOutcomes.Sent => "delivered",
            NotificationOutcomes.Retrying => "retrying",
            _ => "failed",
        };
        if (before.Deliveries.Any(d => d.Recipient == receipt.Recipient && d.Channel == receipt.Channel
                                       && d.Attempts >= receipt.Attempt && (d.Outcome == outcome || d.Outcome == "delivered")))
        {
            return;
        }

        object fact = outcome == "delivered"
            ? new HandOffNoticeDelivered(receipt.IncidentId, receipt.Recipient, receipt.Channel, receipt.Attempt, receipt.AttemptedAt, receipt.Lag)
            : new HandOffNoticeFailed(receipt.IncidentId, receipt.Recipient, receipt.Channel, receipt.Attempt, receipt.Reason ?? receipt.Outcome,
                outcome == "retrying", receipt.AttemptedAt, receipt.Lag);
        session.LastModifiedBy = Actor.System.Id;
        RosterHandOffHandler.Stage(session, receipt.IncidentId, before, [fact]);
        await session.SaveChangesAsync(ct);
    }
}
