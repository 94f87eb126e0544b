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
/// </summary>
public sealed class IntegrationAuthentication : IDisposable
{
    public const string KeyHeader = "X-Integration-Key";

    private readonly PartitionedRateLimiter<string> _failures;

    private readonly TimeSpan _replenishment;

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
    public async Task<(AlertIntegration? Integration, IResult? Refusal)> AuthenticateAsync(HttpContext http, IQuerySession session,
        string integration, IntegrationKind kind)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // A zero-permit probe succeeds even on an empty bucket: ask for the permits left instead.
        if (_failures.GetStatistics(address) is { CurrentAvailablePermits: <= 0 })
        {
            return (null, TooMany(http));
        }

        var key = PresentedKey(http);
        var details = Guid.TryParse(integration, out var id) && key is not null
            ? await session.LoadAsync<AlertIntegrationDetails>(id, http.RequestAborted)
            : null;
        if (details?.State is { } found && found.Kind == kind && IntegrationKeys.Admits(found, key))
        {
            return (found, null);
        }

        using var lease = _failures.AttemptAcquire(address, 1);
        return (null, Unauthenticated(http));
    }

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
