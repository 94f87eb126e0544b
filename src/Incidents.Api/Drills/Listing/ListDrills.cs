using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Drills.Listing;

/// <summary>Upcoming: still scheduled, soonest first. Past: started, completed or cancelled, latest first. All: latest first.</summary>
public enum DrillPeriod
{
    All,
    Upcoming,
    Past,
}

public sealed record DrillSummary(
    Guid Id,
    long Version,
    string Title,
    DrillKind Kind,
    DrillStatus Status,
    string AffectedSystem,
    DateTimeOffset PlannedStart,
    DateTimeOffset PlannedEnd,
    Guid? IncidentId,
    DateTimeOffset? CompletedAt);

public sealed record DrillPage(IReadOnlyList<DrillSummary> Items, int Page, int PageSize, long Total);

/// <summary>The filters and paging of a drill list, as sent; <see cref="Read"/> checks them.</summary>
public sealed class ListDrillsQuery
{
    [FromQuery(Name = "when")]
    [Description("all (default), upcoming (still scheduled, soonest first) or past (started, completed or cancelled, latest first).")]
    public List<string>? When { get; set; }

    [FromQuery(Name = "kind")]
    [Description("Kinds, repeated or comma-separated: cloud-platform-emergency-drill, data-disaster-recovery-drill, " +
        "emergency-plan-exercise, security-incident-drill.")]
    public List<string>? Kind { get; set; }

    [FromQuery(Name = "status")]
    [Description("Statuses, repeated or comma-separated: scheduled, started, completed, cancelled.")]
    public List<string>? Status { get; set; }

    [FromQuery(Name = "system")]
    [Description("Affected system, exact match (at most 100 characters).")]
    public string? System { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number from 1 (default 1).")]
    [Range(1, ListDrillsEndpoint.MaxPage)]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Items per page, 1 to 200 (default 50).")]
    [Range(1, ListDrillsEndpoint.MaxPageSize)]
    public string? PageSize { get; set; }

    /// <summary>The filters, read; null when any is unreadable, each named in <paramref name="errors"/>.</summary>
    public DrillListFilter? Read(Dictionary<string, string[]> errors)
    {
        var when = QueryValues.Enums<DrillPeriod>(When, "when", errors);
        var kinds = QueryValues.Enums<DrillKind>(Kind, "kind", errors);
        var statuses = QueryValues.Enums<DrillStatus>(Status, "status", errors);
        var system = QueryValues.Text(System, "system", FieldLimits.SystemName, errors);
        var page = QueryValues.Int(Page, "page", 1, 1, ListDrillsEndpoint.MaxPage, errors);
        var pageSize = QueryValues.Int(PageSize, "pageSize", 50, 1, ListDrillsEndpoint.MaxPageSize, errors);
        return errors.Count > 0 ? null : new DrillListFilter(when.Length == 0 ? DrillPeriod.All : when[^1], kinds, statuses, system, page, pageSize);
    }
}

/// <summary>The checked filters of a drill list.</summary>
public sealed record DrillListFilter(DrillPeriod When, DrillKind[] Kinds, DrillStatus[] Statuses, string? System, int Page, int PageSize);

public static class ListDrillsEndpoint
{
    public const int MaxPageSize = 200;

    public const int MaxPage = 1_000_000;

    [WolverineGet("/api/v1/drills", OperationId = "listDrills")]
    [EndpointSummary("List drills")]
    [EndpointDescription("Upcoming (still scheduled, soonest first), past (latest first) or all (latest first), filtered and paged.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<DrillPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] ListDrillsQuery query, HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } filter)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<DrillDetails> drills = session.Query<DrillDetails>();
        if (filter.Kinds is { Length: > 0 } kinds)
        {
            drills = drills.Where(d => kinds.Contains(d.Kind));
        }

        if (filter.Statuses is { Length: > 0 } statuses)
        {
            drills = drills.Where(d => statuses.Contains(d.Status));
        }

        if (filter.System is { } system)
        {
            drills = drills.Where(d => d.AffectedSystem == system);
        }

        drills = filter.When switch
        {
            DrillPeriod.Upcoming => drills.Where(d => d.Status == DrillStatus.Scheduled).OrderBy(d => d.PlannedStart).ThenBy(d => d.Id),
            DrillPeriod.Past => drills.Where(d => d.Status != DrillStatus.Scheduled).OrderByDescending(d => d.PlannedStart).ThenByDescending(d => d.Id),
            _ => drills.OrderByDescending(d => d.PlannedStart).ThenByDescending(d => d.Id),
        };

        var total = await drills.CountAsync(http.RequestAborted);
        var items = await drills.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new DrillPage(
            items.Select(d => new DrillSummary(d.Id, d.Version, d.Title, d.Kind, d.Status, d.AffectedSystem, d.PlannedStart, d.PlannedEnd,
                d.IncidentId, d.CompletedAt)).ToList(),
            filter.Page, filter.PageSize, total));
    }
}
