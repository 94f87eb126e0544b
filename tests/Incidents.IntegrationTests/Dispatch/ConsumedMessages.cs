using System.Collections.Concurrent;
using MassTransit;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// The message ids the worker has finished consuming (handled or faulted), so a test can wait until copies of a message
/// have all been through the consumer before it checks that nothing went out twice.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentQueue<Guid> _ids = new();

    public int Count(Guid messageId) => _ids.Count(id => id == messageId);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Record(context);

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Record(context);

    private Task Record(ConsumeContext context)
    {
        if (context.MessageId is { } id)
        {
            _ids.Enqueue(id);
        }

        return Task.CompletedTask;
    }
}
