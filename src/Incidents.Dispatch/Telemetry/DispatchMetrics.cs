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

    public DispatchMetrics(IMeterFactory meters, QueueDepthSampler queue, IOptions<DispatchOptions> options)
    {
        var meter = meters.Create(MeterName);
        _notifications = meter.CreateCounter<long>("incidents.dispatch.notifications", "{notification}",
            "Delivery attempts by channel and outcome (sent, failed, retrying), as reported in the receipts");
        _consumed = meter.CreateCounter<long>("incidents.dispatch.messages.consumed", "{message}",
            "Messages taken off the worker's queue: handled, or faulted (moved to the error queue)");

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

    public void Consumed(bool faulted) => _consumed.Add(1, new TagList { { "outcome", faulted ? "faulted" : "handled" } });

    /// <summary>
    /// A receipt's channel names the recipient's n-th webhook (<c>webhook-wecom-0</c>); the metric keeps the kind
    /// (<c>webhook-wecom</c>), so the series do not multiply with the recipient directory.
    /// </summary>
    public static string ChannelKind(string channel) => WebhookIndex().Replace(channel, "");

    [GeneratedRegex(@"-\d+$")]
    private static partial Regex WebhookIndex();
}
