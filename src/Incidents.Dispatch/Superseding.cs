using Incidents.Contracts;
using Npgsql;

namespace Incidents.Dispatch;

/// <summary>
/// What the worker has learnt of each incident's progress (table <c>dispatch_progress</c>: incident, fact, the highest
/// stream version it was seen at), recorded from every message it consumes on either lane: a stage met (a lifecycle step),
/// a stage breached, an escalation level raised, the incident ended. A notice is superseded when a fact that makes it
/// stale was announced at a later stream version than the notice itself: a warning for a stage since met or breached, an
/// escalation level since overtaken by another level or by the acknowledgement, anything after the incident ended.
/// The lifecycle steps and the breaches travel on the paging lane, so the worker knows them before it reaches a
/// warning that waited in the bulk lane (docs/dispatch.md).
/// </summary>
public sealed class DispatchProgress(NpgsqlDataSource dataSource)
{
    public const string Ended = "ended";
    public const string Escalated = "escalated";

    public static string Met(string stage) => $"met:{stage}";

    public static string Breached(string stage) => $"breached:{stage}";

    public static async Task EnsureSchemaAsync(NpgsqlDataSource dataSource, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS dispatch_progress (
                incident_id uuid NOT NULL,
                fact text NOT NULL,
                version bigint NOT NULL,
                PRIMARY KEY (incident_id, fact))
            """);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>The fact a notice announces, if it is one that can make other notices stale.</summary>
    public static string? FactOf(Notice notice) => notice.Trigger switch
    {
        NotificationTriggers.SlaBreached when notice.Stage is { } stage => Breached(stage),
        NotificationTriggers.Escalated => Escalated,
        "acknowledged" => Met("acknowledge"),
        "responder-on-site" => Met("on-site"),
        "service-restored" => Met("restore"),
        "resolved" or "closed" or "cancelled" => Ended,
        _ => null,
    };

    /// <summary>The facts that, announced later than the notice, make it stale; empty: it never goes stale.</summary>
    public static string[] StaleAfter(Notice notice) => notice.Trigger switch
    {
        NotificationTriggers.SlaWarning when notice.Stage is { } stage => [Met(stage), Breached(stage), Ended],
        NotificationTriggers.Escalated => [Escalated, Met("acknowledge"), Ended],
        _ => [],
    };

    /// <summary>
    /// Records the facts the notices announce (those of a whole batch in one statement; none for notices that announce
    /// none, such as SLA warnings — then no round trip at all). The highest version of each fact is kept.
    /// </summary>
    public async Task RecordAsync(IEnumerable<Notice> notices, CancellationToken cancellation)
    {
        var facts = notices.Select(n => (Notice: n, Fact: FactOf(n))).Where(f => f.Fact is not null)
            .GroupBy(f => (f.Notice.IncidentId, f.Fact!))
            .Select(g => (g.Key.IncidentId, Fact: g.Key.Item2, Version: g.Max(f => f.Notice.SourceVersion)))
            .OrderBy(f => f.IncidentId).ThenBy(f => f.Fact, StringComparer.Ordinal)
            .ToList();
        if (facts.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO dispatch_progress (incident_id, fact, version)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
            ON CONFLICT (incident_id, fact) DO UPDATE SET version = GREATEST(dispatch_progress.version, EXCLUDED.version)
            """);
        command.Parameters.AddWithValue(facts.Select(f => f.IncidentId).ToArray());
        command.Parameters.AddWithValue(facts.Select(f => f.Fact).ToArray());
        command.Parameters.AddWithValue(facts.Select(f => f.Version).ToArray());
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Why a notice's moment has passed, given the fact that made it stale (the reason its receipts give). The check
    /// itself runs in the claim statement (<see cref="DeliveryLedger.ClaimAsync"/>): one round trip for both.
    /// </summary>
    public static string Reason(string fact, long version) => fact switch
    {
        Ended => $"the incident was resolved, closed or cancelled (version {version})",
        Escalated => $"a later escalation level was raised (version {version})",
        _ when fact.StartsWith("met:", StringComparison.Ordinal) => $"the {fact[4..]} stage was met (version {version})",
        _ => $"the {fact[9..]} stage breached and that was announced (version {version})",
    };
}

/// <summary>At most one lag alert per interval in this process, however many notifications are late.</summary>
public sealed class LagAlarm
{
    private long _nextTicks = long.MinValue;

    public bool TryRaise(DateTimeOffset now, TimeSpan interval)
    {
        var next = Interlocked.Read(ref _nextTicks);
        return now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextTicks, (now + interval).UtcTicks, next) == next;
    }
}

/// <summary>
/// Pages first, inside the worker too. The lanes have their own queues, consumers and SMTP connections, but share the
/// process's CPU and thread pool: a bulk backlog drained as fast as possible keeps hundreds of continuations queued, and
/// a page's every step would wait its turn behind them. While a page is being handled, bulk work waits between its
/// steps (before its claim, each send, its outcome statement and its receipts), so the page runs nearly alone; bulk
/// resumes when no page is in flight, or after <see cref="MaxWait"/> at the latest (a stuck page never stops the bulk).
/// </summary>
public sealed class PagePriority
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private int _pages;
    private TaskCompletionSource _clear = Cleared();

    private static TaskCompletionSource Cleared()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    /// <summary>A page is being handled until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        lock (_gate)
        {
            if (_pages++ == 0)
            {
                _clear = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Scope(this);
    }

    /// <summary>Bulk work calls this between its steps: immediate when no page is in flight.</summary>
    public async ValueTask YieldAsync(CancellationToken cancellation)
    {
        if (Volatile.Read(ref _pages) == 0)
        {
            return;
        }

        Task clear;
        lock (_gate)
        {
            clear = _clear.Task;
        }

        await Task.WhenAny(clear, Task.Delay(MaxWait, cancellation));
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_pages == 0)
            {
                _clear.TrySetResult();
            }
        }
    }

    private sealed class Scope(PagePriority priority) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                priority.Leave();
            }
        }
    }
}
