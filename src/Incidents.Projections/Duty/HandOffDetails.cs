using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.OnCall;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Duty;

/// <summary>What became of the hand-off notice on one channel: the last attempt's outcome (delivered, retrying, failed).</summary>
public sealed record HandOffDelivery(string Recipient, string Channel, string Outcome, int Attempts, DateTimeOffset At, string? Reason,
    TimeSpan? Lag);

/// <summary>One hand-off (its own stream, id <see cref="HandOff.IdFor"/>): who handed over to whom, what was open, the receipts.</summary>
public sealed class HandOffDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public Guid RosterId { get; set; }

    public string RosterName { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public string? ToName { get; set; }

    public DutyReason Reason { get; set; }

    public string? Layer { get; set; }

    public DateTimeOffset? ShiftEnd { get; set; }

    public OpenWork Open { get; set; } = new(0, 0, null);

    public bool Notify { get; set; }

    public DateTimeOffset EvaluatedAt { get; set; }

    public List<HandOffDelivery> Deliveries { get; set; } = [];

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";
}

public sealed class HandOffDetailsProjection : SingleStreamProjection<HandOffDetails, Guid>
{
    public HandOffDetailsProjection()
    {
        foreach (var type in HandOffEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override HandOffDetails? Evolve(HandOffDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event and returns a new view (the given one is never changed).</summary>
    public static HandOffDetails? Project(HandOffDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var next = data switch
        {
            ShiftHandedOver e => new HandOffDetails
            {
                Id = e.HandOffId, RosterId = e.RosterId, RosterName = e.RosterName, At = e.At, From = e.From, To = e.To, ToName = e.ToName,
                Reason = e.Reason, Layer = e.Layer, ShiftEnd = e.ShiftEnd, Open = e.Open, Notify = e.Notify, EvaluatedAt = e.EvaluatedAt,
            },
            HandOffNoticeDelivered e when snapshot is not null => Copy(snapshot, e.Recipient, e.Channel,
                (attempts, _) => new HandOffDelivery(e.Recipient, e.Channel, "delivered", Math.Max(attempts, e.Attempt), e.At, null, e.Lag)),
            HandOffNoticeFailed e when snapshot is not null => Copy(snapshot, e.Recipient, e.Channel,
                (attempts, _) => new HandOffDelivery(e.Recipient, e.Channel, e.WillRetry ? "retrying" : "failed", Math.Max(attempts, e.Attempt), e.At,
                    e.Reason, e.Lag)),
            _ => null,
        };
        if (next is null)
        {
            return snapshot;
        }

        next.Version = version;
        next.ChainHash = chainHash ?? snapshot?.ChainHash ?? "";
        return next;
    }

    private static HandOffDetails Copy(HandOffDetails s, string recipient, string channel, Func<int, HandOffDelivery?, HandOffDelivery> update)
    {
        var deliveries = s.Deliveries.ToList();
        var index = deliveries.FindIndex(d => d.Recipient == recipient && d.Channel == channel);
        var current = index >= 0 ? deliveries[index] : null;
        var updated = update(current?.Attempts ?? 0, current);
        if (index >= 0)
        {
            deliveries[index] = updated;
        }
        else
        {
            deliveries.Add(updated);
        }

        return new HandOffDetails
        {
            Id = s.Id, RosterId = s.RosterId, RosterName = s.RosterName, At = s.At, From = s.From, To = s.To, ToName = s.ToName,
            Reason = s.Reason, Layer = s.Layer, ShiftEnd = s.ShiftEnd, Open = s.Open, Notify = s.Notify, EvaluatedAt = s.EvaluatedAt,
            Deliveries = deliveries,
        };
    }
}
