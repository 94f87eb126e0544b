using Incidents.Api.Http;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;

namespace Incidents.Api.Security;

/// <summary>Which steps a responder may take on an incident (the policy has already admitted the role).</summary>
public enum ResponderScope
{
    /// <summary>Only on incidents where the responder or their team is assigned.</summary>
    AssignedOnly,

    /// <summary>On any incident: acknowledging, which is what the duty engineer does first.</summary>
    AnyIncident,

    /// <summary>The endpoint's policy alone decides (the purchaser's decisions on an incident: they work no incidents).</summary>
    PolicyOnly,
}

/// <summary>
/// The parts of the role matrix that depend on the incident, not just the endpoint: responders work what is assigned to
/// them or their team, drill coordinators see and report drills only, and reporter contact details are for the desk.
/// A caller holding several roles gets the union of their rights.
/// </summary>
public static class IncidentAccess
{
    private static readonly string[] SeeAllIncidents = [Roles.Hotline, Roles.Responder, Roles.Supervisor, Roles.Admin, Roles.Purchaser];

    public static IResult Forbidden(HttpContext http, string detail) => Problems.Result(Problems.Create(http,
        StatusCodes.Status403Forbidden, "auth.forbidden", "Not allowed for your role", detail));

    /// <summary>True when the caller may take a step on this incident; the policy has admitted hotline or responder.</summary>
    public static bool MayWork(HttpContext http, IncidentDetails incident, ResponderScope scope)
    {
        var user = http.User;
        if (scope == ResponderScope.PolicyOnly || user.IsInRole(Roles.Hotline))
        {
            return true;
        }

        if (!user.IsInRole(Roles.Responder))
        {
            return false;
        }

        if (scope == ResponderScope.AnyIncident)
        {
            return true;
        }

        var id = RequestActor.From(http)?.Id;
        var team = RequestActor.TeamOf(http);
        return incident.Responders.Any(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase)
            || (team is not null && string.Equals(r.Team, team, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// True when the caller may record a responder's own step (dispatch, arrival) for <paramref name="responderId"/>: the
    /// desk for anyone, a responder only for themselves — a colleague still on the road cannot be marked on site, which
    /// would stop the on-site clock.
    /// </summary>
    public static bool MayActFor(HttpContext http, string responderId) =>
        http.User.IsInRole(Roles.Hotline)
        || string.Equals(RequestActor.From(http)?.Id, responderId, StringComparison.OrdinalIgnoreCase);

    public static IResult NotForOthers(HttpContext http, string responderId) => Forbidden(http,
        $"Only the desk records this step for another responder; you may record it for yourself, not for '{responderId}'.");

    public static IResult NotAssigned(HttpContext http, Guid id) => Forbidden(http,
        $"Incident {id} is not assigned to you or your team; a responder may only acknowledge it.");

    /// <summary>True when the caller sees only drills (a drill coordinator without any other reading role).</summary>
    public static bool SeesDrillsOnly(HttpContext http) =>
        http.User.IsInRole(Roles.DrillCoordinator) && !SeeAllIncidents.Any(http.User.IsInRole);

    /// <summary>True when the caller may see this incident at all; others get the 404 an unknown incident gets.</summary>
    public static bool MaySee(HttpContext http, bool isDrill) => isDrill || !SeesDrillsOnly(http);

    /// <summary>
    /// The incident's whole stream when it exists and the caller may see it; null otherwise (answer 404, as for an
    /// unknown incident).
    /// </summary>
    public static async Task<IReadOnlyList<JasperFx.Events.IEvent>?> ReadStreamAsync(HttpContext http, Marten.IQuerySession session, Guid id)
    {
        var events = await session.Events.FetchStreamAsync(id, token: http.RequestAborted);
        return events.Count > 0 && events[0].Data is Domain.Incidents.IncidentReported reported && MaySee(http, reported.IsDrill) ? events : null;
    }

    /// <summary>True when the caller may report this kind of incident.</summary>
    public static bool MayReport(HttpContext http, bool isDrill) =>
        http.User.IsInRole(Roles.Hotline) || (isDrill && http.User.IsInRole(Roles.DrillCoordinator));

    /// <summary>Only the hotline desk calls reporters back; every other role sees their contact details masked.</summary>
    public static bool SeesReporterContact(HttpContext http) => http.User.IsInRole(Roles.Hotline);

    public static Reporter ReporterFor(HttpContext http, Reporter reporter) =>
        SeesReporterContact(http) ? reporter : reporter with { Phone = MaskPhone(reporter.Phone), Email = MaskEmail(reporter.Email) };

    /// <summary>Keeps the first 3 and last 4 digits (2 for short numbers) and the layout: <c>13812345678</c> → <c>138****5678</c>.</summary>
    public static string? MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return phone;
        }

        var digits = phone.Count(char.IsAsciiDigit);
        var (head, tail) = digits >= 10 ? (3, 4) : (0, Math.Min(2, digits / 3));
        var seen = 0;
        return string.Concat(phone.Select(c =>
        {
            if (!char.IsAsciiDigit(c))
            {
                return c;
            }

            seen++;
            return seen <= head || seen > digits - tail ? c : '*';
        }));
    }

    /// <summary>Keeps the first letter of the mailbox and the domain: <c>wang.fang@example.org</c> → <c>w***@example.org</c>.</summary>
    public static string? MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return email;
        }

        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }
}
