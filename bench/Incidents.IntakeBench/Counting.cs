using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Incidents.IntakeBench;

/// <summary>
/// What one phase of the benchmark cost, counted rather than timed (a busy machine moves every timing, not these):
/// Npgsql commands (round trips) by what they do, PostgreSQL transactions and rows written per table (pg_stat_* of the
/// benchmark's own database), CPU seconds of this process and of the database's backends, and the intake's own counters
/// (batches, conflicts; meter "Incidents"). Everything this process and its database did in the phase counts, background
/// work (Wolverine's polling) included.
/// </summary>
internal sealed class Counting : IDisposable
{
    private readonly string _connectionString;
    private readonly ActivityListener _commands;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentDictionary<string, long> _byKind = new();
    private readonly ConcurrentDictionary<string, long> _intake = new();
    private volatile bool _on;
    private Snapshot? _start;

    public Counting(string connectionString)
    {
        _connectionString = connectionString;
        _commands = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (_on)
                {
                    _byKind.AddOrUpdate(Kind(activity), 1, (_, n) => n + 1);
                }
            },
        };
        ActivitySource.AddActivityListener(_commands);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Incidents" && instrument.Name.StartsWith("incidents.intake.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (_on)
            {
                _intake.AddOrUpdate(instrument.Name, value, (_, n) => n + value);
            }
        });
        _meters.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (_on)
            {
                _intake.AddOrUpdate(instrument.Name, value, (_, n) => n + value);
                _intake.AddOrUpdate(instrument.Name + ".count", 1, (_, n) => n + 1);
            }
        });
        _meters.Start();
    }

    public async Task StartAsync()
    {
        // PostgreSQL's backends flush their statistics at most once a second and within 10 s when idle.
        await Task.Delay(TimeSpan.FromSeconds(11));
        _byKind.Clear();
        _intake.Clear();
        _start = await SnapshotAsync();
        _on = true;
    }

    public async Task<string> StopAsync(long alerts, long requests, string unit = "alert")
    {
        _on = false;
        // CPU now (the pause below would add the idle process's background work); rows once PostgreSQL has flushed them.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var ticks = await BackendTicksAsync();
        await Task.Delay(TimeSpan.FromSeconds(11));
        var end = await SnapshotAsync() with { ProcessCpu = cpu, BackendTicks = ticks };
        var start = _start!;
        double Per(double value) => alerts == 0 ? 0 : value / alerts;
        var text = new StringBuilder();
        var commands = _byKind.Values.Sum();
        text.AppendLine(Invariant($"counted     {alerts} {unit}s in {requests} requests ({(double)alerts / Math.Max(1, requests):0.##} per request); per {unit}:"));
        text.AppendLine(Invariant($"counted       db commands (round trips) {Per(commands):0.000}: ") +
            string.Join(", ", _byKind.OrderByDescending(k => k.Value).Select(k => Invariant($"{k.Key} {Per(k.Value):0.000}"))));
        text.AppendLine(Invariant($"counted       transactions {Per(end.Commits - start.Commits):0.000} committed, {Per(end.Rollbacks - start.Rollbacks):0.000} rolled back"));
        var rows = end.Rows.Select(r => (Table: r.Key, Written: r.Value - start.Rows.GetValueOrDefault(r.Key)))
            .Where(r => r.Written > 0).OrderByDescending(r => r.Written).ToList();
        text.AppendLine(Invariant($"counted       rows written (inserted+updated+deleted) {Per(rows.Sum(r => r.Written)):0.000}: ") +
            string.Join(", ", rows.Select(r => Invariant($"{r.Table} {Per(r.Written):0.000}"))));
        text.AppendLine(Invariant($"counted       cpu ms: this process (api + generator) {Per((end.ProcessCpu - start.ProcessCpu).TotalMilliseconds):0.00}, ") +
            Invariant($"postgres backends {Per(Backends(start, end) * 1000.0 / 100):0.00}"));
        var batches = _intake.GetValueOrDefault("incidents.intake.batch.alerts.count");
        text.Append(Invariant($"counted       intake: {batches} batches ({(double)_intake.GetValueOrDefault("incidents.intake.batch.alerts") / Math.Max(1, batches):0.0} alerts per batch), ") +
            Invariant($"{_intake.GetValueOrDefault("incidents.intake.conflicts")} conflicts (batch decided again)"));
        return text.ToString();
    }

    private static long Backends(Snapshot start, Snapshot end) =>
        end.BackendTicks.Sum(b => b.Value - start.BackendTicks.GetValueOrDefault(b.Key));

    private sealed record Snapshot(long Commits, long Rollbacks, Dictionary<string, long> Rows, TimeSpan ProcessCpu, Dictionary<int, long> BackendTicks);

    private async Task<Snapshot> SnapshotAsync()
    {
        await using var db = new NpgsqlConnection(_connectionString);
        await db.OpenAsync();
        long commits, rollbacks;
        await using (var stats = new NpgsqlCommand("select xact_commit, xact_rollback from pg_stat_database where datname = current_database()", db))
        await using (var reader = await stats.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (commits, rollbacks) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var rows = new Dictionary<string, long>();
        await using (var tables = new NpgsqlCommand("select relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables", db))
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new Snapshot(commits, rollbacks, rows, Process.GetCurrentProcess().TotalProcessorTime, await BackendTicksAsync());
    }

    private async Task<Dictionary<int, long>> BackendTicksAsync()
    {
        await using var db = new NpgsqlConnection(_connectionString);
        await db.OpenAsync();
        var ticks = new Dictionary<int, long>();
        await using (var backends = new NpgsqlCommand("select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()", db))
        await using (var reader = await backends.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var pid = reader.GetInt32(0);
                if (CpuTicks(pid) is { } t)
                {
                    ticks[pid] = t;
                }
            }
        }

        return ticks;
    }

    /// <summary>utime + stime of a process in clock ticks (1/100 s), from /proc (this machine's PostgreSQL is local).</summary>
    private static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A command by what it does: its first statement's verb and table (or function), "+n" for the rest of a batch.</summary>
    private static string Kind(Activity activity)
    {
        var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string;
        if (text is null)
        {
            return activity.DisplayName;
        }

        var statements = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kind = Statement(statements.Length == 0 ? text : statements[0]);
        return statements.Length > 1 ? $"batch[{kind} +{statements.Length - 1}]" : kind;
    }

    private static string Statement(string sql)
    {
        var words = sql.ToLowerInvariant().Split([' ', '\n', '\r', '\t', '(', ','], StringSplitOptions.RemoveEmptyEntries);
        string After(string word) => Array.IndexOf(words, word) is var at and >= 0 && at + 1 < words.Length ? words[at + 1] : "?";
        return words.FirstOrDefault() switch
        {
            "select" when Array.IndexOf(words, "from") >= 0 => $"select {After("from")}",
            "select" => $"select {After("select")}",
            "insert" => $"insert {After("into")}",
            "update" => $"update {After("update")}",
            "delete" => $"delete {After("from")}",
            { } other => other,
            null => "?",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _commands.Dispose();
        _meters.Dispose();
    }
}
