using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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

/// <summary>The filters and paging of a list request, as sent; <see cref="Read"/> checks them.</summary>
public sealed class ListIncidentsQuery
{
    [FromQuery(Name = "status")]
    [Description("Statuses, repeated or comma-separated: reported, acknowledged, dispatched, on-site, restored, " +
        "resolved, closed, cancelled.")]
    public List<string>? Status { get; set; }

    [FromQuery(Name = "class")]
    [Description("Classes, repeated or comma-separated: outage, fault, major-event, security-event.")]
    public List<string>? Class { get; set; }

    [FromQuery(Name = "system")]
    [Description("Affected system, exact match (at most 100 characters).")]
    public string? System { get; set; }

    [FromQuery(Name = "from")]
    [Description("Reported at or after this RFC 3339 time (with offset), e.g. 2026-12-01T08:00:00+08:00.")]
    public string? From { get; set; }

    [FromQuery(Name = "to")]
    [Description("Reported before this RFC 3339 time (with offset).")]
    public string? To { get; set; }

    [FromQuery(Name = "drills")]
    [Description("exclude (default), include or only. A drill coordinator sees drills only, whatever this says.")]
    public List<string>? Drills { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number from 1 (default 1).")]
    [Range(1, IncidentListFilter.MaxPage)]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Items per page, 1 to 200 (default 50).")]
    [Range(1, IncidentListFilter.MaxPageSize)]
    public string? PageSize { get; set; }

    /// <summary>The filters, read; null when any is unreadable, each named in <paramref name="errors"/>.</summary>
    public IncidentListFilter? Read(Dictionary<string, string[]> errors)
    {
        var statuses = QueryValues.Enums<IncidentStatus>(Status, "status", errors);
        var classes = QueryValues.Enums<IncidentClass>(Class, "class", errors);
        var drills = QueryValues.Enums<DrillFilter>(Drills, "drills", errors);
        var from = QueryValues.Time(From, "from", errors);
        var to = QueryValues.Time(To, "to", errors);
        var page = QueryValues.Int(Page, "page", 1, 1, IncidentListFilter.MaxPage, errors);
        var pageSize = QueryValues.Int(PageSize, "pageSize", 50, 1, IncidentListFilter.MaxPageSize, errors);
        var system = QueryValues.Text(System, "system", FieldLimits.SystemName, errors);

        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }

        return errors.Count > 0
            ? null
            : new IncidentListFilter(statuses, classes, system, from, to, drills.Length == 0 ? DrillFilter.Exclude : drills[^1], page, pageSize);
    }
}

/// <summary>The checked filters of a list request.</summary>
public sealed record IncidentListFilter(
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
}

public static class ListIncidentsEndpoint
{
    [WolverineGet("/api/v1/incidents", OperationId = "listIncidents")]
    [EndpointSummary("List incidents")]
    [EndpointDescription("Newest first, filtered and paged; `next` links the following page. Drills are left out unless " +
        "drills=include or drills=only.")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Incidents)]
    [ProducesResponseType<IncidentPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] ListIncidentsQuery query, HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } filter)
        {
            return Problems.Validation(http, errors);
        }

        if (IncidentAccess.SeesDrillsOnly(http))
        {
            filter = filter with { Drills = DrillFilter.Only };
        }

        var incidents = Filtered(session, filter);
        var page = await ((IMartenQueryable<IncidentDetails>)incidents)
            .Stats(out var stats)
            .OrderByDescending(x => x.ReportedAt)
            .ThenByDescending(x => x.Id)
            .Skip((filter.Page - 1) * filter.PageSize)
            .Take(filter.PageSize)
            .ToListAsync(http.RequestAborted);

        var total = stats.TotalResults;
        if (page.Count == 0 && filter.Page > 1)
        {
            // Past the last page the statistics have no row to report the total on: count it.
            total = await Filtered(session, filter).CountAsync(http.RequestAborted);
        }

        var items = page.Select(d => new IncidentSummary(d.Id, d.Version, d.Title, d.AffectedSystem, d.Class, d.Status, d.IsDrill,
            d.ReportedAt, d.AcknowledgedAt, d.RestoredAt, d.LastChangedAt)).ToList();
        var next = (long)filter.Page * filter.PageSize < total ? NextLink(http, filter.Page + 1) : null;
        return TypedResults.Ok(new IncidentPage(items, filter.Page, filter.PageSize, total, next));
    }

    private static IQueryable<IncidentDetails> Filtered(IQuerySession session, IncidentListFilter filter)
    {
        IQueryable<IncidentDetails> incidents = session.Query<IncidentDetails>();
        if (filter.Statuses.Length > 0)
        {
            incidents = incidents.Where(x => filter.Statuses.Contains(x.Status));
        }

        if (filter.Classes.Length > 0)
        {
            incidents = incidents.Where(x => filter.Classes.Contains(x.Class));
        }

        if (filter.System is { } system)
        {
            incidents = incidents.Where(x => x.AffectedSystem == system);
        }

        if (filter.From is { } from)
        {
            incidents = incidents.Where(x => x.ReportedAt >= from);
        }

        if (filter.To is { } to)
        {
            incidents = incidents.Where(x => x.ReportedAt < to);
        }

        incidents = filter.Drills switch
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
