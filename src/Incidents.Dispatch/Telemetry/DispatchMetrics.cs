using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Incidents.Dispatch.Telemetry;

/// <summary>
/// The worker's metrics, in the meter <see cref="MeterName"/>: the outcome of every delivery attempt by channel, the
/// messages taken off its queue (the drain rate), and the queue's depth and consumers as last sampled. docs/operations.md
/// lists every instrument with its unit and tags.
/// </summary>
public sealed partial class DispatchMetrics
{
    public const string MeterName = "Incidents.Dispatch";

    private readonly Counter<long> _notifications;
    private readonly Counter<long> _consumed;
    private readonly Histogram<double> _lag;

    /// <summary>Lag buckets in seconds: healthy is under a second, the alert threshold is 60 s, a stalled worker shows minutes.</summary>
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

    public DispatchMetrics(IMeterFactory meters, QueueDepthSampler queue, IOptions<DispatchOptions> options)
    {
        var meter = meters.Create(MeterName);
        _notifications = meter.CreateCounter<long>("incidents.dispatch.notifications", "{notification}",
            "Delivery attempts by channel and outcome (sent, failed, retrying), as reported in the receipts");
        _consumed = meter.CreateCounter<long>("incidents.dispatch.messages.consumed", "{message}",
            "Messages taken off the worker's queue: handled, or faulted (moved to the error queue)");

        _lag = meter.CreateHistogram("incidents.dispatch.notification.lag", "s",
            "Seconds from the announced event to the delivery attempt, by trigger (every receipt); over 60 s pages the on-duty engineer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

        var name = new KeyValuePair<string, object?>("queue", options.Value.Queue);
        meter.CreateObservableGauge("incidents.dispatch.queue.messages",
            () => queue.Latest is { } sample ? [new Measurement<long>(sample.Messages, name)] : Array.Empty<Measurement<long>>(),
            "{message}", "Messages ready on the worker's queue (sampled every few seconds)");
        meter.CreateObservableGauge("incidents.dispatch.queue.consumers",
            () => queue.Latest is { } sample ? [new Measurement<long>(sample.Consumers, name)] : Array.Empty<Measurement<long>>(),
            "{consumer}", "Consumers on the worker's queue; 0 means nothing drains it");
    }

    public void Attempted(string channel, string outcome) =>
        _notifications.Add(1, new TagList { { "channel", ChannelKind(channel) }, { "outcome", outcome } });

    public void Lagged(string trigger, TimeSpan lag) => _lag.Record(lag.TotalSeconds, new TagList { { "trigger", TriggerKind(trigger) } });

    /// <summary>The lifecycle steps are many; the metric keeps the four notice kinds and calls the rest lifecycle.</summary>
    private static string TriggerKind(string trigger) => trigger switch
    {
        Incidents.Contracts.NotificationTriggers.IncidentOpened or Incidents.Contracts.NotificationTriggers.Escalated
            or Incidents.Contracts.NotificationTriggers.SlaWarning or Incidents.Contracts.NotificationTriggers.SlaBreached
            or Incidents.Contracts.NotificationTriggers.DispatchLagging => trigger,
        _ => "lifecycle",
    };

    public void Consumed(bool faulted) => _consumed.Add(1, new TagList { { "outcome", faulted ? "faulted" : "handled" } });

    /// <summary>
    /// A receipt's channel names the recipient's n-th webhook (<c>webhook-wecom-0</c>); the metric keeps the kind
    /// (<c>webhook-wecom</c>), so the series do not multiply with the recipient directory.
    /// </summary>
    public static string ChannelKind(string channel) => WebhookIndex().Replace(channel, "");

    [GeneratedRegex(@"-\d+$")]
    private static partial Regex WebhookIndex();
}
