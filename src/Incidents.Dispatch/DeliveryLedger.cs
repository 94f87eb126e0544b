using Npgsql;

namespace Incidents.Dispatch;

/// <summary>
/// What was delivered, in PostgreSQL (table dispatch_deliveries): a redelivered or replayed message finds its
/// deliveries there and sends nothing twice. A row is claimed (sending) before the attempt and completed (sent, failed) after it.
/// </summary>
public sealed class DeliveryLedger(NpgsqlDataSource dataSource)
{
    public async Task EnsureSchemaAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS dispatch_deliveries (
                delivery_key text PRIMARY KEY,
                incident_id uuid NOT NULL,
                outcome text NOT NULL,
                attempts int NOT NULL,
                reason text NULL,
                recorded_at timestamptz NOT NULL DEFAULT now())
            """);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Claims a delivery atomically (copies of one message may be consumed concurrently): true when this consumer
    /// should send it. A claim left behind by a worker that died while sending is taken over after <see cref="StaleClaim"/>.
    /// </summary>
    public async Task<bool> TryClaimAsync(string key, Guid incidentId, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dispatch_deliveries (delivery_key, incident_id, outcome, attempts) VALUES ($1, $2, 'sending', 0)
            ON CONFLICT (delivery_key) DO UPDATE SET recorded_at = now()
              WHERE dispatch_deliveries.outcome = 'sending' AND dispatch_deliveries.recorded_at < now() - $3
            RETURNING 1
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(incidentId);
        command.Parameters.AddWithValue(StaleClaim);
        return await command.ExecuteScalarAsync(cancellation) is not null;
    }

    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(5);

    /// <summary>Records the final outcome (sent or failed) of a claimed delivery.</summary>
    public async Task CompleteAsync(string key, string outcome, int attempts, string? reason, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE dispatch_deliveries SET outcome = $2, attempts = $3, reason = $4, recorded_at = now() WHERE delivery_key = $1
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(outcome);
        command.Parameters.AddWithValue(attempts);
        command.Parameters.AddWithValue((object?)reason ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>Gives a claim back after a transient failure, so the retry may claim it again.</summary>
    public async Task ReleaseAsync(string key, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM dispatch_deliveries WHERE delivery_key = $1 AND outcome = 'sending'");
        command.Parameters.AddWithValue(key);
        await command.ExecuteNonQueryAsync(cancellation);
    }
}

public sealed class LedgerSchema(DeliveryLedger ledger, NpgsqlDataSource dataSource) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ledger.EnsureSchemaAsync(cancellationToken);
        await DispatchProgress.EnsureSchemaAsync(dataSource, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
