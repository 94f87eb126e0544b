using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Incidents.Telemetry.Edges;

/// <summary>
/// The one token check of every service with an HTTP edge (the API and the notification worker): issuer, audience and
/// keys from the same <c>Auth</c> settings, the development key only where <see cref="AuthSettings"/> allows it and only
/// from this machine. Each service adds how it answers a refusal.
/// </summary>
public static class BearerTokens
{
    /// <summary>The longest user id a token may name (the <c>sub</c> claim).</summary>
    public const int MaxUserIdLength = 100;

    /// <summary>Sets the validation parameters of <paramref name="jwt"/> from <paramref name="settings"/>.</summary>
    /// <summary>
    /// The bearer events both services use: a validated token is still refused by <see cref="Refusal"/>, and a missing or
    /// invalid one is answered with <c>WWW-Authenticate</c> and the caller's 401 problem (<paramref name="challenge"/> gets
    /// whether a token was sent but invalid).
    /// </summary>
    public static JwtBearerEvents Events(AuthSettings settings, Func<HttpContext, bool, Task> challenge) => new()
    {
        OnTokenValidated = context =>
        {
            if (Refusal(context.Principal!, context.HttpContext, settings) is { } refusal)
            {
                context.Fail(refusal);
            }

            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var invalid = context.AuthenticateFailure is not null;
            context.Response.Headers.WWWAuthenticate = invalid ? "Bearer error=\"invalid_token\"" : "Bearer";
            await challenge(context.HttpContext, invalid);
        },
    };

    public static void Configure(JwtBearerOptions jwt, AuthSettings settings)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters.NameClaimType = settings.NameClaim;
        jwt.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
        jwt.TokenValidationParameters.ValidAudience = settings.Audience;
        jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        if (settings.UsesDevelopmentKey)
        {
            jwt.TokenValidationParameters.ValidIssuer = AuthSettings.DevelopmentIssuer;
            jwt.TokenValidationParameters.IssuerSigningKey = settings.DevelopmentKey();
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            jwt.Authority = settings.Authority;
            jwt.Audience = settings.Audience;
            jwt.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        }
    }

    /// <summary>
    /// Why a token that validated is still refused, or null: it names no user, or it is a development token from
    /// another machine while <see cref="AuthSettings.AllowDevelopmentKeyFromNetwork"/> is off.
    /// </summary>
    public static string? Refusal(ClaimsPrincipal user, HttpContext http, AuthSettings settings)
    {
        var id = (user.FindFirst(settings.IdClaim)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value)?.Trim();
        if (id is not { Length: > 0 and <= MaxUserIdLength })
        {
            return $"The token names no user: claim '{settings.IdClaim}' is missing or longer than {MaxUserIdLength} characters.";
        }

        return settings.UsesDevelopmentKey && !settings.AcceptsDevelopmentTokenFrom(http.Connection.RemoteIpAddress)
            ? "Development tokens are accepted from this machine only (Auth:AllowDevelopmentKeyFromNetwork)."
            : null;
    }

    /// <summary>Warns at every start while the public development key is accepted, loudest when from the network or outside Development.</summary>
    public static void WarnAboutDevelopmentKey(AuthSettings settings, ILogger log, string environment)
    {
        if (!settings.UsesDevelopmentKey)
        {
            return;
        }

        if (!string.Equals(environment, AuthSettings.DevelopmentEnvironment, StringComparison.OrdinalIgnoreCase))
        {
            log.LogWarning("DEVELOPMENT TOKENS ARE ACCEPTED IN THE '{Environment}' ENVIRONMENT (Auth:AllowDevelopmentKeyOutsideDevelopment=true). " +
                "The key is public: anyone who reads this repository can sign in with any role. Never in production.", environment);
        }

        if (settings.AllowDevelopmentKeyFromNetwork)
        {
            log.LogWarning("DEVELOPMENT TOKENS ARE ACCEPTED FROM THE NETWORK (Auth:AllowDevelopmentKeyFromNetwork=true). Anyone who " +
                "reads this repository can sign in with any role. Never in production.");
        }
        else
        {
            log.LogWarning("Development tokens (Auth:DevelopmentSigningKey) are accepted, from this machine only.");
        }
    }
}
