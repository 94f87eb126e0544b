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

public static class ListDrillsEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>Drills. Filters: <c>when</c> = all (default) | upcoming | past, <c>kind</c>, <c>status</c>, <c>system</c>; <c>page</c>, <c>pageSize</c>.</summary>
    [WolverineGet("/api/v1/drills", OperationId = "listDrills")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags("Drills")]
    [ProducesResponseType<DrillPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get(HttpContext http, IQuerySession session)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var when = QueryValues.Enums<DrillPeriod>(q, "when", errors);
        var kinds = QueryValues.Enums<DrillKind>(q, "kind", errors);
        var statuses = QueryValues.Enums<DrillStatus>(q, "status", errors);
        var system = QueryValues.Text(q, "system", FieldLimits.SystemName, errors);
        var page = QueryValues.Int(q, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(q, "pageSize", 50, 1, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        var period = when.Length == 0 ? DrillPeriod.All : when[^1];
        IQueryable<DrillDetails> drills = session.Query<DrillDetails>();
        if (kinds.Length > 0)
        {
            drills = drills.Where(d => kinds.Contains(d.Kind));
        }

        if (statuses.Length > 0)
        {
            drills = drills.Where(d => statuses.Contains(d.Status));
        }

        if (system is { Length: > 0 })
        {
            drills = drills.Where(d => d.AffectedSystem == system);
        }

        drills = period switch
        {
            DrillPeriod.Upcoming => drills.Where(d => d.Status == DrillStatus.Scheduled).OrderBy(d => d.PlannedStart).ThenBy(d => d.Id),
            DrillPeriod.Past => drills.Where(d => d.Status != DrillStatus.Scheduled).OrderByDescending(d => d.PlannedStart).ThenByDescending(d => d.Id),
            _ => drills.OrderByDescending(d => d.PlannedStart).ThenByDescending(d => d.Id),
        };

        var total = await drills.CountAsync(http.RequestAborted);
        var items = await drills.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new DrillPage(
            items.Select(d => new DrillSummary(d.Id, d.Version, d.Title, d.Kind, d.Status, d.AffectedSystem, d.PlannedStart, d.PlannedEnd,
                d.IncidentId, d.CompletedAt)).ToList(),
            page, pageSize, total));
    }
}
