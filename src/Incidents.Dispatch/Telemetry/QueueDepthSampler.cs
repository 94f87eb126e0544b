using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Incidents.Dispatch.Telemetry;

/// <summary>How the worker's queue looked at one instant.</summary>
public sealed record QueueSample(long Messages, long Consumers, DateTimeOffset At);

/// <summary>
/// Samples the worker's queue (a passive declare: reads the counts, creates nothing) every <see cref="Interval"/>, so a
/// scrape never waits on the broker and a burst of scrapes costs the broker nothing. A sample older than three intervals
/// is withheld: after the broker went away the gauge disappears instead of repeating a stale depth.
/// </summary>
public sealed class QueueDepthSampler(IOptions<DispatchOptions> options, Incidents.Telemetry.Edges.BrokerAddress broker, TimeProvider clock,
    ILogger<QueueDepthSampler> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private QueueSample? _latest;

    public QueueSample? Latest => Volatile.Read(ref _latest) is { } sample && clock.GetUtcNow() - sample.At < 3 * Interval ? sample : null;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var factory = new ConnectionFactory
        {
            Uri = broker.ToUri(),
            ClientProvidedName = "incidents-dispatch-queue-depth",
        };
        IConnection? connection = null;
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                connection = await SampleAsync(factory, connection, stopping);
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // the host is stopping
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Takes one sample; returns the connection to reuse next time (null after a failure, to reconnect).</summary>
    private async Task<IConnection?> SampleAsync(ConnectionFactory factory, IConnection? connection, CancellationToken stopping)
    {
        try
        {
            connection ??= await factory.CreateConnectionAsync(stopping);
            // A passive declare of a missing queue closes its channel: one channel per sample keeps the connection usable.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: stopping);
            var queue = await channel.QueueDeclarePassiveAsync(options.Value.Queue, stopping);
            Volatile.Write(ref _latest, new QueueSample(queue.MessageCount, queue.ConsumerCount, clock.GetUtcNow()));
            return connection;
        }
        catch (Exception problem) when (problem is not OperationCanceledException)
        {
            log.LogDebug(problem, "Sampling the depth of queue {Queue} failed; trying again in {Interval}", options.Value.Queue, Interval);
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            return null;
        }
    }
}
