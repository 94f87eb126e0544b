using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Assurance.GettingDetails;

public static class GetKeyAssurancePeriodEndpoint
{
    [WolverineGet("/api/v1/assurance-periods/{id}", OperationId = "getKeyAssurancePeriod")]
    [EndpointSummary("Get one key-assurance period")]
    [EndpointDescription("The period with its version as the ETag and, once completed, its summary (incidents in scope during " +
        "the window, SLA attainment, resource adjustments, who was on duty when the rosters can say). If-None-Match with that " +
        "ETag answers 304.")]
    [Authorize(Policy = Policies.ReadKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ReadsHeader("If-None-Match", ETags.IfNoneMatchDescription)]
    [ProducesResponseType<KeyAssurancePeriodResource>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(KeyAssurancePaths.PeriodId)] Guid id, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<KeyAssurancePeriodDetails>(id, http.RequestAborted) is not { } period)
        {
            return Problems.From(http, KeyAssuranceErrors.NotFound(id));
        }

        http.Response.Headers.ETag = ETags.For(period.Version);
        return ETags.Matches(http.Request.Headers.IfNoneMatch.ToString(), period.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(KeyAssurancePeriodResource.From(period));
    }
}
