using System.Collections.Concurrent;
using System.Diagnostics;

namespace Incidents.Bench;

/// <summary>
/// What one phase measured, per step: latencies of the successful requests that count (closed loop: completed inside
/// the window; open loop: scheduled inside it; no window: all), errors, and the stream version each step started from.
/// </summary>
internal sealed class Phase(string name, Window? window)
{
    private readonly ConcurrentDictionary<string, StepStats> _steps = new();
    private readonly long[] _perSecond = new long[(window?.Seconds ?? 0) + 1];
    private long _completedInWindow;
    private long _incidentsInWindow;
    private long _incidents;
    private long _abandoned;

    public string Name => name;

    public Window? Window => window;

    public ErrorLog Errors { get; } = new();

    /// <summary>Open loop: the first request of each job from the moment it was really sent (not scheduled).</summary>
    public StepStats Service { get; } = new();

    public long CompletedInWindow => Interlocked.Read(ref _completedInWindow);

    public long IncidentsInWindow => Interlocked.Read(ref _incidentsInWindow);

    public long Incidents => Interlocked.Read(ref _incidents);

    public long Abandoned => Interlocked.Read(ref _abandoned);

    public long[] PerSecond => window is null ? [] : _perSecond[..window.Seconds];

    public IEnumerable<(string Step, StepStats Stats)> Steps => _steps.Select(kv => (kv.Key, kv.Value));

    public StepStats? Find(string step) => _steps.GetValueOrDefault(step);

    /// <summary>Records one answer; <paramref name="measuredBySchedule"/> null = decide by the completion time.</summary>
    public void Record(string step, long start, long end, in Outcome outcome, bool? measuredBySchedule, long versionBefore)
    {
        var measured = measuredBySchedule ?? (window is null || window.Contains(end));
        var stats = _steps.GetOrAdd(step, _ => new StepStats());
        if (outcome.Ok)
        {
            if (measured)
            {
                stats.Add(end - start, versionBefore);
            }

            if (window is not null && window.Contains(end))
            {
                Interlocked.Increment(ref _completedInWindow);
                Interlocked.Increment(ref _perSecond[(end - window.Start) / Stopwatch.Frequency]);
            }
        }
        else
        {
            if (measured)
            {
                stats.Error();
            }

            Errors.Add(step, outcome, measured);
        }
    }

    public void IncidentDone(long end, bool? measuredBySchedule)
    {
        if (measuredBySchedule ?? (window is null || window.Contains(end)))
        {
            Interlocked.Increment(ref _incidents);
        }

        if (window is not null && window.Contains(end))
        {
            Interlocked.Increment(ref _incidentsInWindow);
        }
    }

    public void IncidentAbandoned() => Interlocked.Increment(ref _abandoned);

    public long MeasuredRequests => _steps.Values.Sum(s => s.Count);

    public long MeasuredErrors => _steps.Values.Sum(s => s.Errors);
}

/// <summary>Latencies (Stopwatch ticks) of one step; a lock per step is cheap at a few thousand requests a second.</summary>
internal sealed class StepStats
{
    private readonly Lock _gate = new();
    private readonly List<long> _latencies = new(4096);
    private long _errors;
    private long _versionSum;

    public void Add(long ticks, long versionBefore)
    {
        lock (_gate)
        {
            _latencies.Add(ticks);
            _versionSum += versionBefore;
        }
    }

    public void Error()
    {
        lock (_gate)
        {
            _errors++;
        }
    }

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _latencies.Count;
            }
        }
    }

    public long Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors;
            }
        }
    }

    public Summary Summarize()
    {
        long[] sorted;
        long versionSum;
        lock (_gate)
        {
            sorted = [.. _latencies];
            versionSum = _versionSum;
        }

        Array.Sort(sorted);
        return new Summary(sorted, Errors, sorted.Length == 0 ? 0 : versionSum / (double)sorted.Length);
    }
}

/// <summary>Nearest-rank percentiles in ms, rounded UP to 0.01 ms (latencies are never rounded in our favour).</summary>
internal sealed record Summary(long[] Sorted, long Errors, double MeanVersionBefore)
{
    public int N => Sorted.Length;

    public double P(double q) => N == 0 ? 0 : Ms(Sorted[Math.Clamp((int)Math.Ceiling(q * N) - 1, 0, N - 1)]);

    public double Max => N == 0 ? 0 : Ms(Sorted[^1]);

    public double Mean => N == 0 ? 0 : Ms((long)Math.Ceiling(Sorted.Average()));

    public static double Ms(long ticks) => Math.Ceiling(ticks * 100_000.0 / Stopwatch.Frequency) / 100;

    public static Summary Merge(IEnumerable<Summary> parts)
    {
        var list = parts.ToList();
        var all = list.SelectMany(p => p.Sorted).ToArray();
        Array.Sort(all);
        var versions = list.Sum(p => p.MeanVersionBefore * p.N);
        return new Summary(all, list.Sum(p => p.Errors), all.Length == 0 ? 0 : versions / all.Length);
    }
}

/// <summary>Error counts by step and kind, and the first few messages verbatim.</summary>
internal sealed class ErrorLog
{
    private const int KeepFirst = 5;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byKind = [];
    private readonly List<string> _first = [];
    private long _unmeasured;

    public void Add(string step, Outcome outcome, bool measured)
    {
        lock (_gate)
        {
            if (!measured)
            {
                _unmeasured++;
            }
            else
            {
                var kind = step + " " + outcome.Kind;
                _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
            }

            if (_first.Count < KeepFirst)
            {
                _first.Add((measured ? "" : "[not measured] ") + step + ": " + outcome.Describe().ReplaceLineEndings(" "));
            }
        }
    }

    public long Unmeasured
    {
        get
        {
            lock (_gate)
            {
                return _unmeasured;
            }
        }
    }

    public IReadOnlyDictionary<string, long> ByKind
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_byKind);
            }
        }
    }

    public IReadOnlyList<string> First
    {
        get
        {
            lock (_gate)
            {
                return [.. _first];
            }
        }
    }
}
