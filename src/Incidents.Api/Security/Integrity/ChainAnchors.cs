using System.Security.Cryptography;
using System.Text;
using Incidents.Contracts;
using Marten;
using Wolverine;

namespace Incidents.Api.Security.Integrity;

/// <summary>
/// Anchors the event chains outside the database (issue #14): a checkpoint of every stream's chain head, signed with a key
/// the database does not hold, appended to the anchor log (<see cref="AnchorLog"/>, a file outside PostgreSQL) and
/// announced on the broker (<see cref="ChainAnchored"/> on <see cref="Messaging.AnchorsExchange"/>). Verification then
/// compares today's chains with the last checkpoint: someone who rewrites a stream and recomputes its chain — even with the
/// chain key — or deletes a stream with its head, or rolls the database back, no longer matches what was anchored.
/// </summary>
public sealed class ChainAnchors(AnchorLog log, ChainKeyring keys, IDocumentStore store, IServiceScopeFactory scopes, TimeProvider clock,
    ILogger<ChainAnchors> logger)
{
    public const string KeysSetting = "Integrity:AnchorKeys";
    public const string ActiveSetting = "Integrity:ActiveAnchorKey";
    public const string DirectorySetting = "Integrity:Anchors:Directory";
    public const string IntervalSetting = "Integrity:Anchors:Interval";

    /// <summary>Public, from this repository: Development and Testing only, when no anchor key is configured.</summary>
    public static ChainKeyring DevelopmentKeys { get; } = new(ChainKeyring.DevelopmentKeyId, new Dictionary<string, byte[]>
    {
        [ChainKeyring.DevelopmentKeyId] = SHA256.HashData(Encoding.UTF8.GetBytes("incidents development anchor key; not a secret")),
    });

    private readonly SemaphoreSlim taking = new(1, 1);

    public AnchorLog Log => log;

    /// <summary>The last sound checkpoint of the log, and what is wrong with the log, if anything.</summary>
    public AnchorReading Read() => log.Read();

    /// <summary>Takes a checkpoint of every chain head now, appends it to the log and announces it on the broker.</summary>
    public async Task<AnchorCheckpoint> TakeAsync(CancellationToken ct)
    {
        await taking.WaitAsync(ct);
        try
        {
            var checkpoint = await log.AppendAsync(async last =>
            {
                await using var session = store.QuerySession();
                var heads = await ChainVerifier.AllHeadsAsync(session, ct);
                var sequence = (last?.Sequence ?? 0) + 1;
                var takenAt = clock.GetUtcNow();
                var previous = last?.Signature ?? "";
                var signature = AnchorCheckpoint.Sign(keys, keys.ActiveId, sequence, takenAt, previous, heads)!;
                return new AnchorCheckpoint(sequence, takenAt, previous, heads, signature);
            }, ct);

            await using (var scope = scopes.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new ChainAnchored(checkpoint.Sequence,
                    checkpoint.TakenAt, checkpoint.Heads.Count, checkpoint.Previous, checkpoint.Signature));
            }

            logger.LogInformation("Anchored {Streams} chain head(s) as checkpoint {Sequence} in {Log}", checkpoint.Heads.Count,
                checkpoint.Sequence, log.FilePath);
            return checkpoint;
        }
        finally
        {
            taking.Release();
        }
    }

    /// <summary>
    /// Keys, log and schedule from configuration. Outside Development and Testing an anchor key and the log's directory
    /// must be configured (start-up refuses otherwise); in Development and Testing a public key and a directory under the
    /// temporary folder named after the database stand in, and no checkpoint is taken on a schedule in Testing unless an
    /// interval is set.
    /// </summary>
    public static void AddChainAnchors(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var environment = builder.Environment.EnvironmentName;
        var development = new[] { "Development", "Testing" }.Contains(environment, StringComparer.OrdinalIgnoreCase);
        var keys = ChainKeyring.FromConfiguration(configuration, environment, KeysSetting, ActiveSetting, DevelopmentKeys);
        var directory = configuration[DirectorySetting] is { Length: > 0 } configured ? configured
            : development ? DevelopmentDirectory(configuration)
            : throw new InvalidOperationException(
                $"No anchor log in the '{environment}' environment: set {DirectorySetting} to a directory outside the database host's "
                + "reach, on storage that keeps what is appended (docs/security.md).");
        var interval = configuration.GetValue<TimeSpan?>(IntervalSetting)
            ?? (builder.Environment.IsEnvironment("Testing") ? TimeSpan.Zero : TimeSpan.FromHours(1));
        if (interval < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{IntervalSetting} must not be negative (0 turns the schedule off).");
        }

        builder.Services.AddSingleton(new AnchorLog(directory, keys));
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<ChainAnchors>();
        builder.Services.AddSingleton(new AnchorSchedule(interval));
        builder.Services.AddHostedService<AnchorScheduler>();
    }

    /// <summary>Development and Testing: one log per database, so test databases and a development store never share one.</summary>
    private static string DevelopmentDirectory(IConfiguration configuration)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(
            global::Incidents.Api.Configuration.ConnectionStrings.Require(configuration, global::Incidents.Api.Configuration.ConnectionStrings.Marten));
        return Path.Combine(Path.GetTempPath(), "incidents-anchors", $"{connection.Host}_{connection.Port}_{connection.Database}");
    }
}

/// <summary>How often a checkpoint is taken (<see cref="ChainAnchors.IntervalSetting"/>); zero: only on demand.</summary>
public sealed record AnchorSchedule(TimeSpan Interval);

/// <summary>Takes a checkpoint every interval of the injected clock. A failed checkpoint is logged and tried at the next tick.</summary>
public sealed class AnchorScheduler(ChainAnchors anchors, AnchorSchedule schedule, TimeProvider clock, ILogger<AnchorScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (schedule.Interval == TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(schedule.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await anchors.TakeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not anchor the event chains; trying again in {Interval}", schedule.Interval);
            }
        }
    }
}
