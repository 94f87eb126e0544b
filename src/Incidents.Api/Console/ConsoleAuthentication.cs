using System.Security.Claims;
using Incidents.Api.Security;
using Incidents.Telemetry.Edges;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Incidents.Api.WebConsole;

/// <summary>
/// How a person signs in to the console (docs/console.md). The console keeps the user's API bearer token in an HttpOnly,
/// SameSite=Strict cookie of its own (scheme <see cref="Scheme"/>, encrypted by ASP.NET Data Protection) and calls the API
/// with it, so every read and every step goes through the API's own JWT authentication and role rules. The API's bearer
/// scheme stays the default and is not changed: the cookie is accepted on <c>/console</c> pages only, never on <c>/api</c>.
/// <list type="bullet">
/// <item>Development and Testing (a development signing key is configured): a role picker mints a development token,
/// from this machine only, exactly as <c>scripts/dev-token.sh</c> does.</item>
/// <item>Production: the OpenID Connect authorization-code flow (with PKCE) against the provider, when
/// <c>Console:Oidc:ClientId</c> is set; the access token it returns is the bearer token. Not configured: no sign-in.</item>
/// </list>
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = "Console";
    public const string OidcScheme = "ConsoleOidc";
    public const string Policy = "console.session";
    public const string CookieName = "incidents.console";
    public const string TokenName = "access_token";
    public const string IdClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string TeamClaim = "team";

    /// <summary>Marks a session signed in with a development token (checked against the caller's address on every request).</summary>
    public const string DevelopmentClaim = "console:development";

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static void AddConsoleAuthentication(this WebApplicationBuilder builder)
    {
        var oidc = builder.Configuration.GetSection(ConsoleOidcSettings.Section).Get<ConsoleOidcSettings>() ?? new ConsoleOidcSettings();
        builder.Services.AddSingleton(oidc);
        var auth = builder.Services.AddAuthentication()
            .AddCookie(Scheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.Path = ConsolePaths.Root;
                cookie.ExpireTimeSpan = SessionLifetime;
                cookie.SlidingExpiration = false;
                cookie.LoginPath = ConsolePaths.SignIn;
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.Events = new CookieAuthenticationEvents
                {
                    OnRedirectToLogin = context =>
                    {
                        // htmx follows the redirect itself and would swap the sign-in page into a fragment: send the whole page there.
                        if (context.Request.Headers.ContainsKey("HX-Request"))
                        {
                            context.Response.StatusCode = StatusCodes.Status200OK;
                            context.Response.Headers["HX-Redirect"] = ConsolePaths.SignIn;
                            return Task.CompletedTask;
                        }

                        context.Response.Redirect(context.RedirectUri);
                        return Task.CompletedTask;
                    },
                    OnValidatePrincipal = context =>
                    {
                        var settings = context.HttpContext.RequestServices.GetRequiredService<AuthSettings>();
                        var development = context.Principal?.HasClaim(c => c.Type == DevelopmentClaim) == true;
                        // The API accepts development tokens from this machine only; the console, calling the API from this
                        // machine on the browser's behalf, must not lift that rule for a browser elsewhere.
                        if (development && (!settings.UsesDevelopmentKey ||
                                            !settings.AcceptsDevelopmentTokenFrom(context.HttpContext.Connection.RemoteIpAddress)))
                        {
                            context.RejectPrincipal();
                        }

                        return Task.CompletedTask;
                    },
                };
                if (oidc.Enabled)
                {
                    cookie.ForwardChallenge = OidcScheme;
                }
            });

        if (oidc.Enabled)
        {
            var apiSettings = builder.Configuration.GetSection(AuthSettings.Section).Get<AuthSettings>() ?? new AuthSettings();
            auth.AddOpenIdConnect(OidcScheme, options =>
            {
                options.SignInScheme = Scheme;
                options.Authority = oidc.Authority ?? apiSettings.Authority;
                options.ClientId = oidc.ClientId;
                options.ClientSecret = oidc.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = true;
                options.MapInboundClaims = false;
                options.RequireHttpsMetadata = apiSettings.RequireHttpsMetadata;
                options.CallbackPath = "/console/signin-oidc";
                options.SignedOutCallbackPath = "/console/signout-callback-oidc";
                options.Scope.Clear();
                foreach (var scope in oidc.Scopes)
                {
                    options.Scope.Add(scope);
                }

                options.Events = new OpenIdConnectEvents
                {
                    // The console's session holds the same claims whatever the provider calls them (Auth:*Claim).
                    OnTokenValidated = context =>
                    {
                        var p = context.Principal!;
                        var id = p.FindFirstValue(apiSettings.IdClaim);
                        if (id is null)
                        {
                            context.Fail($"The provider's token names no user (claim '{apiSettings.IdClaim}').");
                            return Task.CompletedTask;
                        }

                        context.Principal = Principal(id, p.FindFirstValue(apiSettings.NameClaim) ?? id,
                            p.FindAll(apiSettings.RoleClaim).Select(c => c.Value), p.FindFirstValue(apiSettings.TeamClaim), development: false);
                        return Task.CompletedTask;
                    },
                };
            });
        }

        builder.Services.AddAuthorization(authorization => authorization.AddPolicy(Policy, policy =>
            policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()));
    }

    public static ClaimsPrincipal Principal(string id, string name, IEnumerable<string> roles, string? team, bool development)
    {
        var claims = new List<Claim> { new(IdClaim, id), new(NameClaim, name) };
        claims.AddRange(roles.Select(r => new Claim(RoleClaim, r)));
        if (!string.IsNullOrWhiteSpace(team))
        {
            claims.Add(new Claim(TeamClaim, team));
        }

        if (development)
        {
            claims.Add(new Claim(DevelopmentClaim, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, NameClaim, RoleClaim));
    }

    /// <summary>
    /// A development token as <c>scripts/dev-token.sh</c> mints it (issuer <c>incidents-dev</c>, HS256 with
    /// <c>Auth:DevelopmentSigningKey</c>); only where that key is configured, i.e. Development and Testing.
    /// </summary>
    public static string DevelopmentToken(AuthSettings settings, string id, string name, IEnumerable<string> roles, string? team,
        DateTimeOffset now)
    {
        var claims = new Dictionary<string, object> { ["sub"] = id, ["name"] = name, [settings.RoleClaim] = roles.ToArray() };
        if (!string.IsNullOrWhiteSpace(team))
        {
            claims[settings.TeamClaim] = team;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSettings.DevelopmentIssuer,
            Audience = settings.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            Expires = now.UtcDateTime.Add(SessionLifetime),
            SigningCredentials = new SigningCredentials(settings.DevelopmentKey(), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The API token of the signed-in user.</summary>
    public static Task<string?> TokenAsync(HttpContext http) => http.GetTokenAsync(Scheme, TokenName);
}

/// <summary>The <c>Console:Oidc</c> section: the console's registration with the OpenID Connect provider.</summary>
public sealed class ConsoleOidcSettings
{
    public const string Section = "Console:Oidc";

    /// <summary>The provider; defaults to <c>Auth:Authority</c> (the provider the API trusts).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From a secret store, never from the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes to ask for; add the one that makes the access token's audience the API's (<c>Auth:Audience</c>).</summary>
    public List<string> Scopes { get; set; } = ["openid", "profile"];

    public bool Enabled => !string.IsNullOrWhiteSpace(ClientId);
}
