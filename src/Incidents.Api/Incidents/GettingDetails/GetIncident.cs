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
    /// <summary>One incident with its version as the ETag; <c>If-None-Match</c> with that ETag answers 304.</summary>
    [WolverineGet("/api/v1/incidents/{id}", OperationId = "getIncident")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags("Incidents")]
    [ProducesResponseType<IncidentResource>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session)
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
