using System.Security.Claims;
using Incidents.Api.Http;
using Incidents.Domain;
using Incidents.Telemetry.Edges;

namespace Incidents.Api.Security;

/// <summary>
/// Who is acting: the signed-in user of the bearer token. The id comes from the <c>sub</c> claim, the display name from
/// <c>name</c> (both claim names configurable, see <see cref="AuthSettings"/>); every event records them.
/// </summary>
public static class RequestActor
{
    public const int MaxLength = BearerTokens.MaxUserIdLength;

    public static Actor? From(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? From(http.User, http.RequestServices.GetRequiredService<AuthSettings>()) : null;

    public static Actor? From(ClaimsPrincipal user, AuthSettings settings)
    {
        var id = (user.FindFirst(settings.IdClaim)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value)?.Trim();
        if (id is not { Length: > 0 and <= MaxLength })
        {
            return null;
        }

        var name = (user.FindFirst(settings.NameClaim)?.Value ?? user.FindFirst("preferred_username")?.Value)?.Trim();
        return new Actor(id, name is { Length: > 0 and <= MaxLength } ? name : id);
    }

    /// <summary>The team a responder belongs to (the <c>team</c> claim), if any.</summary>
    public static string? TeamOf(HttpContext http) =>
        http.User.FindFirst(http.RequestServices.GetRequiredService<AuthSettings>().TeamClaim)?.Value is { Length: > 0 } team
            ? team.Trim()
            : null;

    /// <summary>Only reached if an endpoint forgot its policy: the token check normally refuses such callers first.</summary>
    public static IResult Missing(HttpContext http) => Problems.Result(Problems.Create(http,
        StatusCodes.Status401Unauthorized, "auth.unauthenticated", "Authentication required",
        "Send a bearer token naming the user (claim 'sub'); every change is recorded with its author."));
}
