using Incidents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Incidents.Dispatch.Telemetry;

/// <summary>
/// Counts delivery outcomes from the receipts the worker publishes (one <see cref="NotificationAttempted"/> per attempt),
/// so the metric and the incident's timeline tell the same story and the notifier needs no metrics code.
/// </summary>
public sealed class ReceiptObserver(DispatchMetrics metrics) : IPublishObserver
{
    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is NotificationAttempted receipt)
        {
            metrics.Attempted(receipt.Channel, receipt.Outcome);
            if (receipt.Lag is { } lag)
            {
                metrics.Lagged(receipt.Trigger, lag);
            }
        }

        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>
/// Counts the messages taken off the worker's queue, once each whatever its retries: handled, or faulted (moved to the
/// error queue, or refused by the transport). Its rate is the drain rate next to the queue depth.
/// </summary>
public sealed class DrainObserver(DispatchMetrics metrics, IOptions<DispatchOptions> options) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        if (FromWorkerQueue(context))
        {
            metrics.Consumed(faulted: context.IsFaulted);
        }

        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        if (FromWorkerQueue(context))
        {
            metrics.Consumed(faulted: true);
        }

        return Task.CompletedTask;
    }

    // The bus also has its own temporary endpoint; only the worker's two queues count.
    private bool FromWorkerQueue(ReceiveContext context) =>
        context.InputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1] is var queue && (queue == options.Value.Queue || queue == options.Value.PagesQueue);
}
