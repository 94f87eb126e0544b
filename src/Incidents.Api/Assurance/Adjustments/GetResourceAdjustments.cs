using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Assurance.Adjustments;

public sealed record ResourceAdjustmentList(Guid PeriodId, IReadOnlyList<ResourceAdjustmentResource> Items, int Total);

public static class GetResourceAdjustmentEndpoint
{
    [WolverineGet("/api/v1/resource-adjustments/{id}", OperationId = "getResourceAdjustment")]
    [EndpointSummary("Get one resource adjustment")]
    [EndpointDescription("The adjustment and its clock (running, warned, breached, done in time or late), its version as the ETag.")]
    [Authorize(Policy = Policies.ReadKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<ResourceAdjustmentResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(KeyAssurancePaths.AdjustmentId)] Guid id, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<ResourceAdjustmentDetails>(id, http.RequestAborted) is not { } adjustment)
        {
            return Problems.From(http, KeyAssuranceErrors.AdjustmentNotFound(id));
        }

        http.Response.Headers.ETag = ETags.For(adjustment.Version);
        return TypedResults.Ok(ResourceAdjustmentResource.From(adjustment));
    }
}

public static class ListResourceAdjustmentsEndpoint
{
    /// <summary>A period lasts at most 60 days; this bounds one answer without paging.</summary>
    public const int MaxItems = 1000;

    [WolverineGet("/api/v1/assurance-periods/{id}/resource-adjustments", OperationId = "listResourceAdjustments")]
    [EndpointSummary("List a period's resource adjustments")]
    [EndpointDescription("The resource adjustments raised during the period, oldest first (at most 1000), with their clocks.")]
    [Authorize(Policy = Policies.ReadKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<ResourceAdjustmentList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(KeyAssurancePaths.PeriodId)] Guid id, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<KeyAssurancePeriodDetails>(id, http.RequestAborted) is null)
        {
            return Problems.From(http, KeyAssuranceErrors.NotFound(id));
        }

        var items = await session.Query<ResourceAdjustmentDetails>()
            .Where(a => a.PeriodId == id)
            .OrderBy(a => a.RequestedAt).ThenBy(a => a.Id)
            .Take(MaxItems)
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new ResourceAdjustmentList(id, items.Select(ResourceAdjustmentResource.From).ToList(), items.Count));
    }
}
