using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using Marten;
using Marten.Linq;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Listing;

/// <summary>Which incidents a list shows with respect to drills.</summary>
public enum DrillFilter
{
    Exclude,
    Include,
    Only,
}

public sealed record IncidentSummary(
    Guid Id,
    long Version,
    string Title,
    string AffectedSystem,
    IncidentClass Class,
    IncidentStatus Status,
    bool IsDrill,
    DateTimeOffset ReportedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? RestoredAt,
    DateTimeOffset LastChangedAt);

public sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, int Page, int PageSize, long Total, string? Next);

/// <summary>The parsed filters of a list request.</summary>
public sealed record IncidentListQuery(
    IncidentStatus[] Statuses,
    IncidentClass[] Classes,
    string? System,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DrillFilter Drills,
    int Page,
    int PageSize)
{
    public const int MaxPageSize = 200;

    /// <summary>Deep enough for any real list; keeps the offset arithmetic safe.</summary>
    public const int MaxPage = 1_000_000;

    public static (IncidentListQuery? Query, Dictionary<string, string[]> Errors) Parse(IQueryCollection q)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = QueryValues.Enums<IncidentStatus>(q, "status", errors);
        var classes = QueryValues.Enums<IncidentClass>(q, "class", errors);
        var drills = QueryValues.Enums<DrillFilter>(q, "drills", errors);
        var from = QueryValues.Time(q, "from", errors);
        var to = QueryValues.Time(q, "to", errors);
        var page = QueryValues.Int(q, "page", 1, 1, MaxPage, errors);
        var pageSize = QueryValues.Int(q, "pageSize", 50, 1, MaxPageSize, errors);
        var system = QueryValues.Text(q, "system", FieldLimits.SystemName, errors) ?? "";

        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new IncidentListQuery(statuses, classes, system.Length == 0 ? null : system, from, to,
                drills.Length == 0 ? DrillFilter.Exclude : drills[^1], page, pageSize), errors);
    }
}

public static class ListIncidentsEndpoint
{
    /// <summary>
    /// Incidents newest first. Filters: <c>status</c> and <c>class</c> (repeat or comma-separate), <c>system</c>,
    /// <c>from</c>/<c>to</c> on the report time, <c>drills</c> = exclude (default) | include | only;
    /// paging with <c>page</c> and <c>pageSize</c> (max 200).
    /// </summary>
    [WolverineGet("/api/v1/incidents", OperationId = "listIncidents")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags("Incidents")]
    [ProducesResponseType<IncidentPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get(HttpContext http, IQuerySession session)
    {
        var (query, errors) = IncidentListQuery.Parse(http.Request.Query);
        if (query is null)
        {
            return Problems.Validation(http, errors);
        }

        if (IncidentAccess.SeesDrillsOnly(http))
        {
            query = query with { Drills = DrillFilter.Only };
        }

        var incidents = Filtered(session, query);
        var page = await ((IMartenQueryable<IncidentDetails>)incidents)
            .Stats(out var stats)
            .OrderByDescending(x => x.ReportedAt)
            .ThenByDescending(x => x.Id)
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .ToListAsync(http.RequestAborted);

        var total = stats.TotalResults;
        if (page.Count == 0 && query.Page > 1)
        {
            // Past the last page the statistics have no row to report the total on: count it.
            total = await Filtered(session, query).CountAsync(http.RequestAborted);
        }

        var items = page.Select(d => new IncidentSummary(d.Id, d.Version, d.Title, d.AffectedSystem, d.Class, d.Status, d.IsDrill,
            d.ReportedAt, d.AcknowledgedAt, d.RestoredAt, d.LastChangedAt)).ToList();
        var next = (long)query.Page * query.PageSize < total ? NextLink(http, query.Page + 1) : null;
        return TypedResults.Ok(new IncidentPage(items, query.Page, query.PageSize, total, next));
    }

    private static IQueryable<IncidentDetails> Filtered(IQuerySession session, IncidentListQuery query)
    {
        IQueryable<IncidentDetails> incidents = session.Query<IncidentDetails>();
        if (query.Statuses.Length > 0)
        {
            incidents = incidents.Where(x => query.Statuses.Contains(x.Status));
        }

        if (query.Classes.Length > 0)
        {
            incidents = incidents.Where(x => query.Classes.Contains(x.Class));
        }

        if (query.System is { } system)
        {
            incidents = incidents.Where(x => x.AffectedSystem == system);
        }

        if (query.From is { } from)
        {
            incidents = incidents.Where(x => x.ReportedAt >= from);
        }

        if (query.To is { } to)
        {
            incidents = incidents.Where(x => x.ReportedAt < to);
        }

        incidents = query.Drills switch
        {
            DrillFilter.Exclude => incidents.Where(x => !x.IsDrill),
            DrillFilter.Only => incidents.Where(x => x.IsDrill),
            _ => incidents,
        };

        return incidents;
    }

    private static string NextLink(HttpContext http, int page)
    {
        var parameters = http.Request.Query
            .Where(p => p.Key != "page")
            .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"page={page}");
        return $"{http.Request.Path}?{string.Join('&', parameters)}";
    }
}
