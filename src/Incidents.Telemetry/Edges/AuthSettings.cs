using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Incidents.Telemetry.Edges;

/// <summary>
/// The <c>Auth</c> section. Production: an OpenID Connect provider (<see cref="Authority"/>, <see cref="Audience"/>).
/// Development only (elsewhere behind <see cref="AllowDevelopmentKeyOutsideDevelopment"/>, never Production): a symmetric <see cref="DevelopmentSigningKey"/> with a fixed issuer and audience, for
/// tokens minted by <c>scripts/dev-token.sh</c> or by the tests. There is no switch that turns authentication off.
/// </summary>
public sealed class AuthSettings
{
    public const string Section = "Auth";

    /// <summary>Issuer of development tokens.</summary>
    public const string DevelopmentIssuer = "incidents-dev";

    /// <summary>Audience of development tokens (and the default audience).</summary>
    public const string DefaultAudience = "incidents-api";

    /// <summary>The environment in which a development signing key is accepted without a further switch.</summary>
    public const string DevelopmentEnvironment = "Development";

    /// <summary>The environment in which a development signing key is never accepted, whatever the switches say.</summary>
    public const string ProductionEnvironment = "Production";

    public string? Authority { get; set; }

    public string Audience { get; set; } = DefaultAudience;

    public bool RequireHttpsMetadata { get; set; } = true;

    public string? DevelopmentSigningKey { get; set; }

    /// <summary>
    /// Development tokens are accepted only from this machine (loopback, or the in-process test server) unless this
    /// switch is on; the API then logs a warning at every start (issue #14).
    /// </summary>
    public bool AllowDevelopmentKeyFromNetwork { get; set; }

    /// <summary>
    /// Accept the development key outside <c>Development</c> (the test hosts' <c>Testing</c>, a demo box's <c>Staging</c>);
    /// never in <c>Production</c>. Logged as a warning at every start (issue #14: the key is public).
    /// </summary>
    public bool AllowDevelopmentKeyOutsideDevelopment { get; set; }

    /// <summary>Whether a request signed with the development key may be accepted from where it came.</summary>
    public bool AcceptsDevelopmentTokenFrom(System.Net.IPAddress? remote) =>
        AllowDevelopmentKeyFromNetwork || remote is null || System.Net.IPAddress.IsLoopback(remote);

    /// <summary>The claim holding the user's id; <c>sub</c> in OpenID Connect.</summary>
    public string IdClaim { get; set; } = "sub";

    /// <summary>The claim holding the display name recorded on events.</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>The claim holding the roles (one claim per role, or a JSON array).</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The claim holding a responder's team.</summary>
    public string TeamClaim { get; set; } = "team";

    public bool UsesDevelopmentKey => !string.IsNullOrWhiteSpace(DevelopmentSigningKey);

    /// <summary>Refuses configurations that would leave the API open or accept development tokens in production.</summary>
    public void Validate(string environment)
    {
        var development = string.Equals(environment, DevelopmentEnvironment, StringComparison.OrdinalIgnoreCase);
        var production = string.Equals(environment, ProductionEnvironment, StringComparison.OrdinalIgnoreCase);
        if (UsesDevelopmentKey && (production || (!development && !AllowDevelopmentKeyOutsideDevelopment)))
        {
            throw new InvalidOperationException(
                $"Auth:DevelopmentSigningKey is set in the '{environment}' environment. Development tokens are accepted only in " +
                "Development (and, with Auth:AllowDevelopmentKeyOutsideDevelopment=true, in another environment that is not " +
                "Production); configure Auth:Authority (your OpenID Connect provider) instead.");
        }

        if (UsesDevelopmentKey && !string.IsNullOrWhiteSpace(Authority))
        {
            throw new InvalidOperationException("Set either Auth:Authority or Auth:DevelopmentSigningKey, not both.");
        }

        if (!UsesDevelopmentKey && string.IsNullOrWhiteSpace(Authority))
        {
            throw new InvalidOperationException(
                "Auth:Authority is missing: set it to your OpenID Connect provider (and Auth:Audience), see docs/security.md." +
                (development ? " In Development, Auth:DevelopmentSigningKey may be used instead." : ""));
        }

        if (UsesDevelopmentKey && Encoding.UTF8.GetByteCount(DevelopmentSigningKey!) < 32)
        {
            throw new InvalidOperationException("Auth:DevelopmentSigningKey must be at least 32 bytes (HS256).");
        }
    }

    public SymmetricSecurityKey DevelopmentKey() => new(Encoding.UTF8.GetBytes(DevelopmentSigningKey!));
}
