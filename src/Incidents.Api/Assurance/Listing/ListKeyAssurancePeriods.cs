using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Assurance.Listing;

public sealed record KeyAssurancePeriodPage(IReadOnlyList<KeyAssurancePeriodResource> Items, int Page, int PageSize, long Total);

/// <summary>The filters and paging of the period list, as sent.</summary>
public sealed class ListKeyAssurancePeriodsQuery
{
    [FromQuery(Name = "status")]
    [Description("Statuses, repeated or comma-separated: planned, active, completed, cancelled.")]
    public List<string>? Status { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number from 1 (default 1).")]
    [Range(1, 1_000_000)]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Items per page, 1 to 200 (default 50).")]
    [Range(1, 200)]
    public string? PageSize { get; set; }
}

public static class ListKeyAssurancePeriodsEndpoint
{
    [WolverineGet("/api/v1/assurance-periods", OperationId = "listKeyAssurancePeriods")]
    [EndpointSummary("List key-assurance periods")]
    [EndpointDescription("Periods by start, latest first (then by id), filtered by status and paged, with the total.")]
    [Authorize(Policy = Policies.ReadKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<KeyAssurancePeriodPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] ListKeyAssurancePeriodsQuery query, HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = QueryValues.Enums<KeyAssuranceStatus>(query.Status, "status", errors);
        var page = QueryValues.Int(query.Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(query.PageSize, "pageSize", 50, 1, 200, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<KeyAssurancePeriodDetails> periods = session.Query<KeyAssurancePeriodDetails>();
        if (statuses.Length > 0)
        {
            periods = periods.Where(p => statuses.Contains(p.Status));
        }

        periods = periods.OrderByDescending(p => p.Start).ThenByDescending(p => p.Id);
        var total = await periods.CountAsync(http.RequestAborted);
        var items = await periods.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new KeyAssurancePeriodPage(items.Select(KeyAssurancePeriodResource.From).ToList(), page, pageSize, total));
    }
}
