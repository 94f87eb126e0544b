using System.ComponentModel;
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
    [WolverineGet("/api/v1/drills/{id}", OperationId = "getDrill")]
    [EndpointSummary("Get one drill")]
    [EndpointDescription("The drill with its version as the ETag and its injects (pending, applied, skipped, not-fired); " +
        "If-None-Match with that ETag answers 304.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ReadsHeader("If-None-Match", ETags.IfNoneMatchDescription)]
    [ProducesResponseType<DrillResource>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.DrillId)] Guid id, HttpContext http, IQuerySession session)
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
