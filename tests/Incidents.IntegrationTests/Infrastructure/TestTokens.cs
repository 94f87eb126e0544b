using System.Security.Claims;
using System.Text;
using Incidents.Api.Security;
using Incidents.Telemetry.Edges;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>Development tokens as <c>scripts/dev-token.sh</c> mints them, signed with the test hosts' key.</summary>
public static class TestTokens
{
    public const string SigningKey = "incidents-integration-tests-signing-key-0123456789";

    private static readonly JsonWebTokenHandler Handler = new();

    public static string For(string role, string actorId, string name, string? team = null, DateTime? expires = null,
        string key = SigningKey, string issuer = AuthSettings.DevelopmentIssuer, string audience = AuthSettings.DefaultAudience)
    {
        var claims = new List<Claim> { new("sub", actorId), new("name", name) };
        claims.AddRange(role.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim("role", r)));
        if (team is not null)
        {
            claims.Add(new Claim("team", team));
        }

        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = expiry.AddHours(-2),
            IssuedAt = expiry.AddHours(-2),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
