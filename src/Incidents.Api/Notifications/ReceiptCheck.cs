using System.Diagnostics.Metrics;
using Incidents.Contracts;

namespace Incidents.Api.Notifications;

/// <summary>
/// What a delivery receipt from the broker must be before it is appended to an incident's chained stream (issue #14):
/// anyone who can publish on the broker could otherwise write into the record. It must answer an announcement — the event
/// at <see cref="NotificationAttempted.SourceVersion"/> exists and was announced under that trigger (or it is the worker's
/// own lag notice about it) — and every field is within its size. A refused receipt is dropped with a warning and counted
/// (<c>incidents.receipts.refused</c>, tag <c>reason</c>); nothing is appended.
/// </summary>
public static class ReceiptCheck
{
    public const int MaxTrigger = 64;
    public const int MaxRecipient = 200;
    public const int MaxChannel = 32;
    public const int MaxReason = 1000;
    public const int MaxAttempt = 1000;

    /// <summary>A lag longer than this is not a lag but a made-up number.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromDays(30);

    private static readonly string[] Outcomes =
        [NotificationOutcomes.Sent, NotificationOutcomes.Failed, NotificationOutcomes.Retrying, NotificationOutcomes.Superseded];

    private static readonly Counter<long> Refused = new Meter(Telemetry.IncidentsMetrics.MeterName)
        .CreateCounter<long>("incidents.receipts.refused", "{receipt}", "Delivery receipts refused: malformed, or naming no announced notification");

    /// <summary>Why the receipt's own fields are unacceptable, or null (checked before anything is read).</summary>
    public static string? Malformed(NotificationAttempted receipt) => receipt switch
    {
        { SourceVersion: < 1 } => "sourceVersion must be 1 or more",
        { Trigger: not { Length: > 0 and <= MaxTrigger } } => $"trigger must be 1 to {MaxTrigger} characters",
        { Recipient: not { Length: > 0 and <= MaxRecipient } } => $"recipient must be 1 to {MaxRecipient} characters",
        { Channel: not { Length: > 0 and <= MaxChannel } } => $"channel must be 1 to {MaxChannel} characters",
        { Reason.Length: > MaxReason } => $"reason must be at most {MaxReason} characters",
        { Attempt: < 1 or > MaxAttempt } => $"attempt must be 1 to {MaxAttempt}",
        { Lag: { } lag } when lag < TimeSpan.Zero || lag > MaxLag => "lag must be between 0 and 30 days",
        _ when !Outcomes.Contains(receipt.Outcome) => $"outcome must be one of {string.Join(", ", Outcomes)}",
        _ => null,
    };

    /// <summary>
    /// Why the receipt answers no announcement, or null. <paramref name="announced"/> is the trigger the event at the
    /// receipt's version was announced under (null: no such event, or not an announced one).
    /// </summary>
    public static string? Unannounced(NotificationAttempted receipt, string? announced) =>
        announced is null ? $"version {receipt.SourceVersion} of the incident is no announced change"
        : receipt.Trigger == announced || receipt.Trigger == NotificationTriggers.DispatchLagging ? null
        : $"version {receipt.SourceVersion} was announced as {announced}, not {receipt.Trigger}";

    /// <summary>Logs and counts a refused receipt.</summary>
    public static void Refuse(ILogger log, NotificationAttempted receipt, string kind, string why)
    {
        Refused.Add(1, new KeyValuePair<string, object?>("reason", kind));
        log.LogWarning("Refused a notification receipt for incident {IncidentId} (version {SourceVersion}, trigger {Trigger}): {Why}. " +
            "Nothing was recorded; a receipt must answer an announced notification (docs/security.md).",
            receipt.IncidentId, receipt.SourceVersion, Truncated(receipt.Trigger), why);
    }

    private static string? Truncated(string? text) => text is { Length: > MaxTrigger } ? text[..MaxTrigger] + "…" : text;
}
