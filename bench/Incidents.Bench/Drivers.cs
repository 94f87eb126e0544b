using System.Diagnostics;

namespace Incidents.Bench;

/// <summary>Open loop: how well the generator kept to its schedule (jobs scheduled inside the measurement window).</summary>
internal sealed class OpenLoopStats
{
    public long Scheduled;
    public long Started;
    public long Late;
    public long Dropped;
    public long MaxBehindTicks;
    public long MaxInFlight;
}

internal static class Drivers
{
    /// <summary>A job started later than this after its scheduled time counts as "not started on time".</summary>
    public static readonly long LateTicks = Stopwatch.Frequency / 100; // 10 ms

    /// <summary>
    /// N clients, each starting its next job as soon as the previous one is done, until the window ends. A job's
    /// requests count when they complete inside the window. A stall of the server also stalls the clients, so the
    /// generator stops sending exactly when the server is slow: the stall costs each client one slow request, while
    /// the requests that would have arrived meanwhile are never sent (coordinated omission).
    /// </summary>
    public static Task ClosedLoop(int clients, Window window, Func<int, long, bool?, Task<bool>> job) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var n = c * 37;
            while (Stopwatch.GetTimestamp() < window.End)
            {
                if (!await job(n++, Stopwatch.GetTimestamp(), null))
                {
                    // Connection refused & co. would otherwise spin a core.
                    await Task.Delay(10);
                }
            }
        })));

    /// <summary>
    /// Jobs started on a fixed schedule (every 1/rate s from the start of the warm-up until the window ends), each on
    /// its own task, whether or not earlier ones have been answered. Latency runs from the scheduled start, so time a
    /// request spent waiting — in the server's queue, for a connection, or for the generator itself — is counted
    /// (corrects coordinated omission). A job due while <paramref name="maxInFlight"/> are running is dropped, not
    /// delayed, and counted. Jobs scheduled inside the window are measured to the end, however late they finish.
    /// </summary>
    public static async Task<OpenLoopStats> OpenLoop(double jobsPerSecond, Window window, int maxInFlight,
        Func<int, long, bool?, Task<bool>> job)
    {
        var stats = new OpenLoopStats();
        var period = Stopwatch.Frequency / jobsPerSecond;
        var running = new List<Task>();
        var inFlight = 0;
        for (var i = 0L; ; )
        {
            var due = window.Origin + (long)(i * period);
            if (due >= window.End)
            {
                break;
            }

            var now = Stopwatch.GetTimestamp();
            if (due > now)
            {
                // Timer resolution is ~1 ms: jobs due meanwhile start together, each still timed from its own due time.
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond / 2,
                    (due - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
                continue;
            }

            var n = (int)(i++ % int.MaxValue);
            var measured = window.Contains(due);
            if (measured)
            {
                stats.Scheduled++;
                var behind = now - due;
                stats.MaxBehindTicks = Math.Max(stats.MaxBehindTicks, behind);
                if (behind > LateTicks)
                {
                    stats.Late++;
                }
            }

            if (Volatile.Read(ref inFlight) >= maxInFlight)
            {
                if (measured)
                {
                    stats.Dropped++;
                }

                continue;
            }

            var level = Interlocked.Increment(ref inFlight);
            if (measured)
            {
                stats.Started++;
                stats.MaxInFlight = Math.Max(stats.MaxInFlight, level);
            }

            var scheduled = due;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    await job(n, scheduled, measured);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }));
        }

        await Task.WhenAll(running);
        return stats;
    }
}
