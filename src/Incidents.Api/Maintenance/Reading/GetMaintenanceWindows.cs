using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Maintenance;
using Incidents.Projections.Maintenance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Maintenance.Reading;

public sealed record MaintenanceWindowList(IReadOnlyList<MaintenanceWindowResource> Items, int Total, int Page, int PageSize);

/// <summary>The filters of the window list, as sent.</summary>
public sealed class MaintenanceWindowQuery
{
    [FromQuery(Name = "status")]
    [Description("announced, approved or refused (default: all).")]
    public string? Status { get; set; }

    [FromQuery(Name = "system")]
    [Description("Only windows with this system in scope (exact match).")]
    public string? System { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number, from 1 (default 1).")]
    [System.ComponentModel.DataAnnotations.Range(1, 100000)]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Windows per page, 1 to 200 (default 50).")]
    [System.ComponentModel.DataAnnotations.Range(1, 200)]
    public string? PageSize { get; set; }
}

public static class GetMaintenanceWindowsEndpoint
{
    [WolverineGet("/api/v1/maintenance-windows", OperationId = "listMaintenanceWindows")]
    [EndpointSummary("List maintenance windows")]
    [EndpointDescription("Maintenance windows by start time (then id), with the purchaser's decision on each.")]
    [Authorize(Policy = Policies.ReadMaintenance)]
    [Tags(ApiTags.Contract)]
    [ProducesResponseType<MaintenanceWindowList>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> List([AsParameters] MaintenanceWindowQuery query, HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        var status = QueryValues.OneOf<MaintenanceWindowStatus>(query.Status, "status", "One of: announced, approved, refused.", errors);
        var system = QueryValues.Text(query.System, "system", FieldLimits.SystemName, errors);
        var page = QueryValues.Int(query.Page, "page", 1, 1, 100000, errors);
        var pageSize = QueryValues.Int(query.PageSize, "pageSize", 50, 1, 200, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<MaintenanceWindowDetails> windows = session.Query<MaintenanceWindowDetails>();
        if (status is { } s)
        {
            windows = windows.Where(w => w.Status == s);
        }

        var all = (await windows.ToListAsync(http.RequestAborted))
            .Where(w => system is null || w.Systems.Contains(system))
            .OrderBy(w => w.Starts).ThenBy(w => w.Id).ToList();
        var items = all.Skip((page - 1) * pageSize).Take(pageSize).Select(MaintenanceWindowResource.From).ToList();
        return TypedResults.Ok(new MaintenanceWindowList(items, all.Count, page, pageSize));
    }

    [WolverineGet("/api/v1/maintenance-windows/{id}", OperationId = "getMaintenanceWindow")]
    [EndpointSummary("Get one maintenance window")]
    [EndpointDescription("The window with its version as the ETag.")]
    [Authorize(Policy = Policies.ReadMaintenance)]
    [Tags(ApiTags.Contract)]
    [ProducesResponseType<MaintenanceWindowResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.MaintenanceWindowId)] Guid id, HttpContext http, IQuerySession session) =>
        await session.LoadAsync<MaintenanceWindowDetails>(id, http.RequestAborted) is { } window
            ? MaintenanceStream.Answer(http, window)
            : Problems.From(http, MaintenanceErrors.NotFound(id));
}
