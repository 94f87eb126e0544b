using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.Rosters;

public sealed record RosterSummary(Guid Id, long Version, string Name, string? Role, string TimeZone, bool Is24x7, DateTimeOffset LastChangedAt);

public sealed record RosterList(IReadOnlyList<RosterSummary> Items, long Total);

public static class GetRosterEndpoints
{
    public const int MaxRosters = 500;

    [WolverineGet("/api/v1/rosters", OperationId = "listRosters")]
    [EndpointSummary("List rosters")]
    [EndpointDescription("Every roster by name (at most 500), optionally only those serving a role.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<RosterList>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> List([FromQuery(Name = "role")] [Description("Only rosters serving this contract role.")] string? role,
        HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        var wanted = QueryValues.Text(role, "role", 50, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<RosterDetails> rosters = session.Query<RosterDetails>();
        if (wanted is not null)
        {
            rosters = rosters.Where(r => r.Role == wanted);
        }

        var items = await rosters.OrderBy(r => r.Name).ThenBy(r => r.Id).Take(MaxRosters).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new RosterList(items.Where(r => r.State is not null).Select(r => new RosterSummary(r.Id, r.Version, r.Name, r.Role,
            r.State!.TimeZone, r.State.Is24x7, r.LastChangedAt)).ToList(), items.Count));
    }

    [WolverineGet("/api/v1/rosters/{id}", OperationId = "getRoster")]
    [EndpointSummary("Get one roster")]
    [EndpointDescription("The roster's layers in force (timeline), every recorded change with when it was recorded, and its overrides; the version is the ETag.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<RosterResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.RosterId)] Guid id, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<RosterDetails>(id, http.RequestAborted) is not { State: not null } roster)
        {
            return Problems.From(http, DutyErrors.RosterNotFound(id));
        }

        http.Response.Headers.ETag = ETags.For(roster.Version);
        return TypedResults.Ok(RosterResource.From(roster));
    }
}
