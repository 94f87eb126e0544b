using System.Globalization;
using System.Threading.RateLimiting;
using Incidents.Api.Http;
using Incidents.Telemetry.Edges;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace Incidents.Api.Security;

/// <summary>Bearer-token authentication, the role policies and the write rate limit, with problem answers for each refusal.</summary>
public static class SecurityConfiguration
{
    public const string WritesRateLimit = "writes";

    /// <summary>Reads that cost the database far more than a lookup (<see cref="ExpensiveReadAttribute"/>).</summary>
    public const string ExpensiveReadsRateLimit = "expensive-reads";

    public static WebApplicationBuilder AddIncidentsSecurity(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(AuthSettings.Section).Get<AuthSettings>() ?? new AuthSettings();
        settings.Validate(builder.Environment.EnvironmentName);
        builder.Services.AddSingleton(settings);
        // The event chain's keys come from configuration (a secret store), never from the database it protects.
        Integrity.EventChain.UseKeys(Integrity.ChainKeyring.FromConfiguration(builder.Configuration, builder.Environment.EnvironmentName),
            builder.Configuration.GetValue<bool>("Integrity:AcceptUnkeyedLinks"));

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                BearerTokens.Configure(jwt, settings);

                jwt.Events = BearerTokens.Events(settings, (http, invalid) =>
                    Problems.Result(Problems.Create(http, StatusCodes.Status401Unauthorized, "auth.unauthenticated",
                            "Authentication required",
                            invalid
                                ? "The bearer token is invalid or expired; get a new one (docs/security.md)."
                                : "Send a bearer token: Authorization: Bearer <token> (docs/security.md)."))
                        .ExecuteAsync(http));
            });

        builder.Services.AddAuthorization(authorization =>
        {
            foreach (var (policy, roles) in Policies.RolesOf)
            {
                authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
            }

            // An endpoint that names no policy still needs a signed-in user; the matrix test makes sure none is forgotten.
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationRefusals>();

        builder.Services.AddSingleton(new global::Incidents.Api.Incidents.Commenting.CommentCapSetting(global::Incidents.Api.Incidents.Commenting.CommentCap.Read(builder.Configuration)));
        var limits = builder.Configuration.GetSection("RateLimits:Writes");
        var expensive = builder.Configuration.GetSection("RateLimits:ExpensiveReads");
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(WritesRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                RequestActor.From(http)?.Id ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.GetValue("TokenLimit", 40),
                    TokensPerPeriod = limits.GetValue("TokensPerPeriod", 20),
                    ReplenishmentPeriod = limits.GetValue("ReplenishmentPeriod", TimeSpan.FromSeconds(1)),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            // Per user as well: KPIs with evidence, monthly reports and chain verification read thousands of rows each, so
            // a script looping on them could starve the desk. A person refreshing a dashboard stays far below it.
            limiter.AddPolicy(ExpensiveReadsRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                RequestActor.From(http)?.Id ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = expensive.GetValue("TokenLimit", 30),
                    TokensPerPeriod = expensive.GetValue("TokensPerPeriod", 10),
                    ReplenishmentPeriod = expensive.GetValue("ReplenishmentPeriod", TimeSpan.FromMinutes(1)),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Result(Problems.Create(http, StatusCodes.Status429TooManyRequests, "request.rate-limited",
                    "Too many requests", $"Too many requests from you in a short time; try again in {seconds} s.")).ExecuteAsync(http);
            };
        });

        return builder;
    }

    public static WebApplication UseIncidentsSecurity(this WebApplication app)
    {
        BearerTokens.WarnAboutDevelopmentKey(app.Services.GetRequiredService<AuthSettings>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Incidents.Security"), app.Environment.EnvironmentName);

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>A signed-in caller whose role does not allow the endpoint gets a 403 problem, like every other refusal.</summary>
public sealed class AuthorizationRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            await IncidentAccess.Forbidden(context, "Your role does not allow this.").ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// Marks a read that is expensive for the database (evidence lists, whole-store verification, monthly reports): it is
/// rate limited per user (<see cref="SecurityConfiguration.ExpensiveReadsRateLimit"/>, <c>RateLimits:ExpensiveReads</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExpensiveReadAttribute : Attribute;
