using System.Security.Claims;
using Incidents.Api.Security;
using Incidents.Telemetry;

namespace Incidents.Api.Telemetry;

/// <summary>
/// Who may read <c>/metrics</c>: a scraper on this machine without a token, anyone else only as a signed-in admin
/// (401 without a token, 403 for the other roles). The metrics name no incident, but they show volumes, breaches and
/// the inner workings of the service, so they are not public.
/// </summary>
public static class MetricsAccess
{
    /// <summary>The authorization policy of the scrape endpoint.</summary>
    public const string Policy = "metrics.read";

    public static bool Allows(ClaimsPrincipal user, HttpContext http) =>
        LocalCaller.Is(http) || (user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin));
}
