using Incidents.Domain.Incidents;

namespace Incidents.Domain.Notifications;

/// <summary>
/// Receipts of the notification worker (Incidents.Dispatch), recorded in the incident's stream so the timeline shows
/// who was told what, over which channel, and which attempts failed. They do not change the incident's state.
/// <see cref="By"/> is the worker; <see cref="At"/> is when it attempted the delivery; <see cref="Lag"/> is the delay from
/// the announced event to that attempt (null in receipts recorded before issue #16).
/// </summary>
public sealed record NotificationDelivered(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Recipient,
    string Channel,
    int Attempt,
    Actor By,
    DateTimeOffset At,
    TimeSpan? Lag = null) : IIncidentNotice;

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
    DateTimeOffset At,
    TimeSpan? Lag = null) : IIncidentNotice;

/// <summary>
/// A notification was not sent because its moment had passed before the worker reached it (a warning for a stage already
/// met or breached, an escalation level already overtaken); <see cref="Reason"/> says by what. Not a failure: nobody
/// needed it any more, and sending it late would have read as current.
/// </summary>
public sealed record NotificationSuperseded(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Recipient,
    string Channel,
    string Reason,
    Actor By,
    DateTimeOffset At,
    TimeSpan? Lag = null) : IIncidentNotice;

public static class NotificationEventTypes
{
    public static readonly Type[] All = [typeof(NotificationDelivered), typeof(NotificationFailed), typeof(NotificationSuperseded)];

    /// <summary>The notification worker, as the actor of its receipts.</summary>
    public static readonly Actor Dispatcher = new("incidents-dispatch", "Notification worker");
}
