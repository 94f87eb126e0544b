using Npgsql;

namespace Incidents.Dispatch;

/// <summary>
/// What was delivered, in PostgreSQL (table dispatch_deliveries): a redelivered or replayed message finds its
/// deliveries there and sends nothing twice. A row is claimed (sending) before the attempt and completed (sent, failed) after it.
/// Each claim names the worker process that holds it (<see cref="WorkerLiveness"/>): a claim whose worker stopped beating is
/// taken over by the next copy of its message, so a worker killed between claim and outcome loses no notice.
/// </summary>
public sealed class DeliveryLedger(NpgsqlDataSource dataSource, WorkerLiveness liveness)
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
                recorded_at timestamptz NOT NULL DEFAULT now());
            ALTER TABLE dispatch_deliveries ADD COLUMN IF NOT EXISTS owner uuid NULL;
            """);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Claims the deliveries of a batch of notices in <b>one statement</b>, and in the same statement reads whether each
    /// claimed one is superseded (docs/dispatch.md): the keys this consumer should act on, each with the reason its
    /// notice's moment has passed (null: still current, send it). A key already claimed — sent, failed, superseded, or
    /// being sent by another live worker — is not claimed: copies of one message consumed concurrently, a redelivery after
    /// a crash, a replay from the error queue all find the claim and send nothing. A claim whose worker no longer beats
    /// (killed mid-delivery, <see cref="WorkerLiveness"/>), or older than <see cref="StaleClaim"/>, is taken over. Keys
    /// still being sent by a live worker are returned apart (<see cref="LedgerClaims.UnderWayElsewhere"/>): the caller must
    /// not acknowledge its message while they are in doubt. Keys repeated in one call are claimed once.
    /// </summary>
    public async Task<LedgerClaims> ClaimAsync(IReadOnlyCollection<ClaimRequest> requests, CancellationToken cancellation)
    {
        var claimed = new Dictionary<string, string?>(requests.Count, StringComparer.Ordinal);
        var elsewhere = new List<string>();
        // One order for every consumer's row locks: two batches holding copies of the same messages cannot deadlock.
        var unique = requests.DistinctBy(r => r.Key, StringComparer.Ordinal).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        if (unique.Count == 0)
        {
            return new LedgerClaims(claimed, elsewhere);
        }

        await using var command = dataSource.CreateCommand("""
            WITH input AS (
              SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::text[]) AS i(delivery_key, incident_id, version, stale)),
            claimed AS (
              INSERT INTO dispatch_deliveries (delivery_key, incident_id, outcome, attempts, owner)
              SELECT delivery_key, incident_id, 'sending', 0, $6 FROM input ORDER BY delivery_key
              ON CONFLICT (delivery_key) DO UPDATE SET recorded_at = now(), owner = $6
                WHERE dispatch_deliveries.outcome = 'sending' AND (dispatch_deliveries.recorded_at < now() - $5
                  OR NOT EXISTS (SELECT 1 FROM dispatch_workers w
                                 WHERE w.instance_id = dispatch_deliveries.owner AND w.seen_at > now() - $7))
              RETURNING delivery_key)
            SELECT c.delivery_key, s.fact, s.version, false
            FROM claimed c JOIN input i USING (delivery_key)
            LEFT JOIN LATERAL (
              SELECT p.fact, p.version FROM dispatch_progress p
              WHERE i.stale <> '' AND p.incident_id = i.incident_id AND p.fact = ANY (string_to_array(i.stale, ',')) AND p.version > i.version
              ORDER BY p.version LIMIT 1) s ON true
            UNION ALL
            SELECT d.delivery_key, NULL, NULL, true
            FROM input i JOIN dispatch_deliveries d USING (delivery_key)
            WHERE d.outcome = 'sending' AND NOT EXISTS (SELECT 1 FROM claimed c WHERE c.delivery_key = i.delivery_key)
            """);
        command.Parameters.AddWithValue(unique.Select(r => r.Key).ToArray());
        command.Parameters.AddWithValue(unique.Select(r => r.IncidentId).ToArray());
        command.Parameters.AddWithValue(unique.Select(r => r.Version).ToArray());
        command.Parameters.AddWithValue(unique.Select(r => string.Join(',', r.StaleAfter)).ToArray());
        command.Parameters.AddWithValue(StaleClaim);
        command.Parameters.AddWithValue(liveness.InstanceId);
        command.Parameters.AddWithValue(liveness.Timeout);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (reader.GetBoolean(3))
            {
                elsewhere.Add(reader.GetString(0));
                continue;
            }

            claimed[reader.GetString(0)] = reader.IsDBNull(1) ? null : DispatchProgress.Reason(reader.GetString(1), reader.GetInt64(2));
        }

        return new LedgerClaims(claimed, elsewhere);
    }

    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Records the outcomes of claimed deliveries in <b>one statement</b>: a final outcome (sent, failed, superseded)
    /// completes its claim; <c>retrying</c> gives the claim back, so the retry may claim it again.
    /// </summary>
    public async Task RecordAsync(IReadOnlyCollection<DeliveryOutcome> outcomes, CancellationToken cancellation)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            WITH o AS (
              SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS o(delivery_key, outcome, attempts, reason)),
            released AS (
              DELETE FROM dispatch_deliveries d USING o
              WHERE d.delivery_key = o.delivery_key AND o.outcome = 'retrying' AND d.outcome = 'sending')
            UPDATE dispatch_deliveries d SET outcome = o.outcome, attempts = o.attempts, reason = o.reason, recorded_at = now()
            FROM o WHERE d.delivery_key = o.delivery_key AND o.outcome <> 'retrying'
            """);
        command.Parameters.AddWithValue(outcomes.Select(o => o.Key).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Outcome).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Attempts).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Reason).ToArray());
        await command.ExecuteNonQueryAsync(cancellation);
    }
}

/// <summary>
/// The outcome of a claim: the keys this consumer now holds, each with its supersession reason (null: send it), and the
/// keys another live worker is sending right now.
/// </summary>
public sealed record LedgerClaims(Dictionary<string, string?> Mine, IReadOnlyList<string> UnderWayElsewhere);

/// <summary>A delivery to claim: its key, its incident, the notice's stream version and the facts that make it stale.</summary>
public sealed record ClaimRequest(string Key, Guid IncidentId, long Version, string[] StaleAfter);

/// <summary>What became of a claimed delivery (outcome <c>retrying</c> releases the claim).</summary>
public sealed record DeliveryOutcome(string Key, string Outcome, int Attempts, string? Reason);

public sealed class LedgerSchema(DeliveryLedger ledger, WorkerLiveness liveness, NpgsqlDataSource dataSource) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await liveness.EnsureSchemaAsync(cancellationToken);
        await ledger.EnsureSchemaAsync(cancellationToken);
        await DispatchProgress.EnsureSchemaAsync(dataSource, cancellationToken);
        // Alive before the first claim: a claim is never taken by a worker that has not yet beaten.
        await liveness.BeatAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
