using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Drills.GettingDetails;

public static class GetDrillEndpoint
{
    /// <summary>One drill with its version as the ETag; <c>If-None-Match</c> with that ETag answers 304.</summary>
    [WolverineGet("/api/v1/drills/{id}", OperationId = "getDrill")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags("Drills")]
    [ProducesResponseType<DrillResource>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<DrillDetails>(id, http.RequestAborted) is not { } drill)
        {
            return Problems.From(http, DrillErrors.NotFound(id));
        }

        http.Response.Headers.ETag = ETags.For(drill.Version);
        return ETags.Matches(http.Request.Headers.IfNoneMatch.ToString(), drill.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(DrillResource.From(drill));
    }
}
