using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Incidents.Api.Http;
using Incidents.Domain.Intake;
using Incidents.Projections.Intake;
using Marten;

namespace Incidents.Api.Intake;

/// <summary>
/// Intake callers are machines holding an integration key, not people with tokens: the key comes as
/// <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Integration-Key</c>, is checked by <see cref="IntegrationKeys.Admits"/> (the
/// one grant check), and failed attempts are limited per source address (429 with Retry-After once the bucket is empty).
/// Unknown integration and wrong key answer the same 401, so the answer does not tell which integrations exist.
/// The integrations are remembered once read (no database read per request); what is remembered is only a first check:
/// <see cref="AlertIntake"/> checks the key again against the integration as stored, in the transaction that writes the
/// alerts, so a key rotated or revoked on another API node stops working there too before anything is written.
/// </summary>
public sealed class IntegrationAuthentication : IDisposable
{
    public const string KeyHeader = "X-Integration-Key";

    private readonly PartitionedRateLimiter<string> _failures;

    private readonly TimeSpan _replenishment;

    /// <summary>Integrations as last read, by id (as many as the admins created; unknown ids are never remembered).</summary>
    private readonly ConcurrentDictionary<Guid, IntakeCaller> _known = new();

    public IntegrationAuthentication(IConfiguration configuration)
    {
        var limits = configuration.GetSection("RateLimits:IntakeKeyFailures");
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.GetValue("TokenLimit", 10),
            TokensPerPeriod = limits.GetValue("TokensPerPeriod", 1),
            ReplenishmentPeriod = limits.GetValue("ReplenishmentPeriod", TimeSpan.FromSeconds(6)),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _replenishment = options.ReplenishmentPeriod / Math.Max(1, options.TokensPerPeriod);
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => options));
    }

    /// <summary>The integration the caller holds the key of, or the answer to give (401, or 429 after too many failures).</summary>
    public async Task<(IntakeCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpContext http, IQuerySession session,
        string integration, IntegrationKind kind)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // A zero-permit probe succeeds even on an empty bucket: ask for the permits left instead.
        if (_failures.GetStatistics(address) is { CurrentAvailablePermits: <= 0 })
        {
            return (null, TooMany(http));
        }

        var key = PresentedKey(http);
        if (Guid.TryParse(integration, out var id) && key is not null)
        {
            if (_known.TryGetValue(id, out var known) && Admits(known, kind, key))
            {
                return (known with { Key = key }, null);
            }

            // Not known here, or the key does not match what is remembered (it may have been rotated elsewhere): read it.
            if (await session.LoadAsync<AlertIntegrationDetails>(id, http.RequestAborted) is { State: { } found } details)
            {
                var stored = new IntakeCaller(found, details.Version);
                Remember(stored);
                if (Admits(stored, kind, key))
                {
                    return (stored with { Key = key }, null);
                }
            }
        }

        return (null, Refuse(http));
    }

    /// <summary>The 401 for a key that does not admit its caller (counted against the caller's address).</summary>
    public IResult Refuse(HttpContext http)
    {
        using var lease = _failures.AttemptAcquire(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", 1);
        return Unauthenticated(http);
    }

    /// <summary>Remembers an integration as read from the store, unless a newer version is already remembered.</summary>
    public void Remember(IntakeCaller stored) =>
        _known.AddOrUpdate(stored.Integration.Id, stored with { Key = null }, (_, old) => old.Version > stored.Version ? old : stored with { Key = null });

    /// <summary>Forgets an integration this node just changed, so that its next request reads it again.</summary>
    public void Forget(Guid id) => _known.TryRemove(id, out _);

    private static bool Admits(IntakeCaller caller, IntegrationKind kind, string key) =>
        caller.Integration.Kind == kind && IntegrationKeys.Admits(caller.Integration, key);

    private static string? PresentedKey(HttpContext http)
    {
        if (http.Request.Headers[KeyHeader].ToString() is { Length: > 0 } header)
        {
            return header.Trim();
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    public static IResult Unauthenticated(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"intake\"";
        return Problems.Result(Problems.Create(http, StatusCodes.Status401Unauthorized, "intake.unauthenticated", "Integration key required",
            $"Send the integration's key as 'Authorization: Bearer <key>' or '{KeyHeader}: <key>' to the integration's own URL " +
            "(docs/intake.md). Unknown integrations and wrong or revoked keys get this same answer."));
    }

    private IResult TooMany(HttpContext http)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(_replenishment.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Result(Problems.Create(http, StatusCodes.Status429TooManyRequests, "intake.too-many-failures",
            "Too many failed key attempts", $"Too many requests from your address presented a wrong integration key; try again in {seconds} s."));
    }

    public void Dispose() => _failures.Dispose();
}

/// <summary>An intake caller: the integration (at the stream version it was read at) and the key it presented.</summary>
public sealed record IntakeCaller(AlertIntegration Integration, long Version, string? Key = null);
