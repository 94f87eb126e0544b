using Incidents.Domain.Incidents;

namespace Incidents.Domain.Notifications;

/// <summary>
/// Receipts of the notification worker (Incidents.Dispatch), recorded in the incident's stream so the timeline shows
/// who was told what, over which channel, and which attempts failed. They do not change the incident's state.
/// <see cref="By"/> is the worker; <see cref="At"/> is when it attempted the delivery.
/// </summary>
public sealed record NotificationDelivered(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Recipient,
    string Channel,
    int Attempt,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;

/// <summary>A delivery attempt failed; <see cref="WillRetry"/> says whether the worker tries again.</summary>
public sealed record NotificationFailed(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Recipient,
    string Channel,
    int Attempt,
    string Reason,
    bool WillRetry,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;

public static class NotificationEventTypes
{
    public static readonly Type[] All = [typeof(NotificationDelivered), typeof(NotificationFailed)];

    /// <summary>The notification worker, as the actor of its receipts.</summary>
    public static readonly Actor Dispatcher = new("incidents-dispatch", "Notification worker");
}
