using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Incidents.GettingDetails;

public static class GetIncidentEndpoint
{
    [WolverineGet("/api/v1/incidents/{id}", OperationId = "getIncident")]
    [EndpointSummary("Get one incident")]
    [EndpointDescription("The incident with its version as the ETag; If-None-Match with that ETag answers 304. A drill coordinator " +
        "sees drills only (404 for the rest).")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Incidents)]
    [ReadsHeader("If-None-Match", ETags.IfNoneMatchDescription)]
    [ProducesResponseType<IncidentResource>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.IncidentId)] Guid id, HttpContext http, IQuerySession session)
    {
        var details = await session.LoadAsync<IncidentDetails>(id, http.RequestAborted);
        if (details is null || !IncidentAccess.MaySee(http, details.IsDrill))
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var etag = ETags.For(details.ChangeVersion);
        http.Response.Headers.ETag = etag;
        return ETags.Matches(http.Request.Headers.IfNoneMatch.ToString(), details.ChangeVersion)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(IncidentResource.From(details, http));
    }
}
