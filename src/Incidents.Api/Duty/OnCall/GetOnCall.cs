using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.OnCall;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.OnCall;

public sealed record RosterRef(Guid Id, string Name, string? Role);

/// <summary>
/// One roster's answer: who is on duty at <c>at</c> as the roster says now, and, when <c>asOf</c> was given, what the
/// roster said about that instant as it was known at <c>asOf</c> (<c>changedSince</c>: the two differ).
/// </summary>
public sealed record OnCallAnswer(RosterRef Roster, OnDutyResource Now, OnDutyResource? AsOf, bool ChangedSince);

/// <summary>People who hold a role no roster serves: all of them are paged for it.</summary>
public sealed record DirectoryAnswer(string PersonId, string Name, string Team);

public sealed record OnCallResult(DateTimeOffset At, DateTimeOffset? AsOf, string? Role, IReadOnlyList<OnCallAnswer> Rosters,
    IReadOnlyList<DirectoryAnswer> Directory);

public static class GetOnCallEndpoint
{
    [WolverineGet("/api/v1/on-call", OperationId = "getOnCall")]
    [EndpointSummary("Who is on duty")]
    [EndpointDescription("For each roster (of the role, when role is given): who is on duty at `at` (default now) and why — " +
        "rotation (layer), holiday (the holiday layer), override, swap, or nobody. With `asOf`, each answer also says what the " +
        "roster said about `at` as it was known at `asOf`. With a role no roster serves, `directory` lists the active people " +
        "holding it (escalation pages them all).")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<OnCallResult>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get(
        [FromQuery(Name = "at")] [Description("The instant (RFC 3339), default now.")] string? at,
        [FromQuery(Name = "role")] [Description("A contract role, e.g. duty-engineer: only rosters serving it.")] string? role,
        [FromQuery(Name = "asOf")] [Description("Also answer as the rosters were known at this instant (RFC 3339).")] string? asOf,
        HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var instant = QueryValues.Time(at, "at", errors) ?? clock.GetUtcNow();
        var knownAt = QueryValues.Time(asOf, "asOf", errors);
        var wanted = QueryValues.Text(role, "role", 50, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        var data = await OnCallData.LoadAsync(session, null, wanted, http.RequestAborted);
        var answers = data.Rosters.Select(r =>
        {
            var now = OnCallData.Duty(r).At(instant);
            var then = knownAt is { } k ? OnCallData.Duty(r, k).At(instant) : null;
            return new OnCallAnswer(new RosterRef(r.Id, r.Name, r.Role), data.Phrase(now), then is null ? null : data.Phrase(then),
                then is not null && !then.SameShiftAs(now));
        }).ToList();
        var directory = wanted is not null && answers.Count == 0
            ? data.People.Values.Where(p => p.Active && p.Roles.Contains(wanted)).OrderBy(p => p.PersonId, StringComparer.Ordinal)
                .Select(p => new DirectoryAnswer(p.PersonId, p.Name, p.Team)).ToList()
            : [];
        return TypedResults.Ok(new OnCallResult(instant, knownAt, wanted, answers, directory));
    }
}
