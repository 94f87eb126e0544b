using Microsoft.Extensions.Options;
using Npgsql;

namespace Incidents.Dispatch;

/// <summary>
/// This worker process's heartbeat (table dispatch_workers): every <see cref="LivenessSettings.Heartbeat"/> it stamps its
/// instance id with the database's clock. A delivery claim names the process that holds it; a claim whose process has not
/// beaten within <see cref="LivenessSettings.Timeout"/> was left by a worker that died between claiming and recording
/// (kill -9, a lost node), and the next copy of its message takes it over (<see cref="DeliveryLedger.ClaimAsync"/>).
/// The database's clock is the only clock compared, so worker clocks that disagree cannot make a live claim look dead.
/// </summary>
public sealed class WorkerLiveness(NpgsqlDataSource dataSource, IOptions<DispatchOptions> options)
{
    public Guid InstanceId { get; } = Guid.NewGuid();

    public TimeSpan Heartbeat => options.Value.Liveness.Heartbeat;

    public TimeSpan Timeout => options.Value.Liveness.Timeout;

    public async Task EnsureSchemaAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS dispatch_workers (
                instance_id uuid PRIMARY KEY,
                seen_at timestamptz NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public async Task BeatAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            WITH forgotten AS (DELETE FROM dispatch_workers WHERE seen_at < now() - interval '1 day')
            INSERT INTO dispatch_workers (instance_id, seen_at) VALUES ($1, now())
            ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()
            """);
        command.Parameters.AddWithValue(InstanceId);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>A worker that stops in order says so: its claims are all recorded by then (consumers have drained).</summary>
    public async Task ForgetAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM dispatch_workers WHERE instance_id = $1");
        command.Parameters.AddWithValue(InstanceId);
        await command.ExecuteNonQueryAsync(cancellation);
    }
}

/// <summary>Beats for <see cref="WorkerLiveness"/> until the worker stops; a missed beat (database down) is retried on the next.</summary>
public sealed class WorkerHeartbeat(WorkerLiveness liveness, TimeProvider clock, ILogger<WorkerHeartbeat> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(liveness.Heartbeat, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await liveness.BeatAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    log.LogWarning(e, "Worker heartbeat missed; claims of this worker may be taken over after {Timeout}", liveness.Timeout);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await liveness.ForgetAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            log.LogDebug(e, "Worker heartbeat row not removed at stop");
        }
    }
}
