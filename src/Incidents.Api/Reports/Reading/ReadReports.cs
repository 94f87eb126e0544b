using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Api.Kpis;
using Incidents.Api.Reports.Printing;
using Incidents.Api.Security;
using Incidents.Domain.Reports;
using Incidents.Projections.Reports;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Reports.Reading;

/// <summary>A report in a list (and in the monthly report): what it is about, where it stands, whether it is late.</summary>
public sealed record ReportSummary(Guid Id, long Version, ReportKind Kind, ReportStatus Status, Guid IncidentId, string Title,
    string AffectedSystem, SecurityGrade? Grade, DateTimeOffset OpenedAt, DateTimeOffset DueAt, bool Late, DateTimeOffset? AcceptedAt)
{
    public static ReportSummary From(ReportDetails d, DateTimeOffset now) => new(d.Id, d.Version, d.Kind, d.Status, d.IncidentId,
        d.State!.Facts.Title, d.State.Facts.AffectedSystem, d.State.Grade, d.OpenedAt, d.DueAt, d.State.IsLate(now),
        d.State.Reviews.LastOrDefault(r => r.Accepted)?.At);
}

public sealed record ReportPage(IReadOnlyList<ReportSummary> Items, int Page, int PageSize, long Total);

/// <summary>The filters and paging of the report list, as sent; <see cref="Read"/> checks them.</summary>
public sealed class ListReportsQuery
{
    [FromQuery(Name = "kind")]
    [Description("Kinds, repeated or comma-separated: outage, security.")]
    public List<string>? Kind { get; set; }

    [FromQuery(Name = "status")]
    [Description("Statuses, repeated or comma-separated: draft, submitted, returned, accepted.")]
    public List<string>? Status { get; set; }

    [FromQuery(Name = "incident")]
    [Description("Only the reports of this incident (its id).")]
    public string? Incident { get; set; }

    [FromQuery(Name = "from")]
    [Description("Opened at or after this instant (RFC 3339).")]
    public string? From { get; set; }

    [FromQuery(Name = "to")]
    [Description("Opened before this instant (RFC 3339).")]
    public string? To { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number from 1 (default 1).")]
    [Range(1, 1_000_000)]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Items per page, 1 to 200 (default 50).")]
    [Range(1, 200)]
    public string? PageSize { get; set; }

    public ReportListFilter? Read(Dictionary<string, string[]> errors)
    {
        var kinds = QueryValues.Enums<ReportKind>(Kind, "kind", errors);
        var statuses = QueryValues.Enums<ReportStatus>(Status, "status", errors);
        var incident = QueryValues.Id(Incident, "incident", "Use an incident id (a UUID).", errors);
        var from = QueryValues.Time(From, "from", errors);
        var to = QueryValues.Time(To, "to", errors);
        var page = QueryValues.Int(Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(PageSize, "pageSize", 50, 1, 200, errors);
        return errors.Count > 0 ? null : new ReportListFilter(kinds, statuses, incident, from, to, page, pageSize);
    }
}

public sealed record ReportListFilter(ReportKind[] Kinds, ReportStatus[] Statuses, Guid? Incident, DateTimeOffset? From, DateTimeOffset? To,
    int Page, int PageSize);

public static class ReadReportsEndpoints
{
    [WolverineGet("/api/v1/reports", OperationId = "listReports")]
    [EndpointSummary("List outage and security reports")]
    [EndpointDescription("Filtered by kind, status, incident and when they were opened; latest first, paged.")]
    [Authorize(Policy = Policies.ReadReports)]
    [Tags(ApiTags.Reports)]
    [ProducesResponseType<ReportPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> List([AsParameters] ListReportsQuery query, HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } filter)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<ReportDetails> reports = session.Query<ReportDetails>();
        if (filter.Kinds is { Length: > 0 } kinds)
        {
            reports = reports.Where(r => kinds.Contains(r.Kind));
        }

        if (filter.Statuses is { Length: > 0 } statuses)
        {
            reports = reports.Where(r => statuses.Contains(r.Status));
        }

        if (filter.Incident is { } incident)
        {
            reports = reports.Where(r => r.IncidentId == incident);
        }

        if (filter.From is { } from)
        {
            reports = reports.Where(r => r.OpenedAt >= from);
        }

        if (filter.To is { } to)
        {
            reports = reports.Where(r => r.OpenedAt < to);
        }

        reports = reports.OrderByDescending(r => r.OpenedAt).ThenByDescending(r => r.Id);
        var total = await reports.CountAsync(http.RequestAborted);
        var items = await reports.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(http.RequestAborted);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ReportPage(items.Select(r => ReportSummary.From(r, now)).ToList(), filter.Page, filter.PageSize, total));
    }

    [WolverineGet("/api/v1/reports/{id}", OperationId = "getReport")]
    [EndpointSummary("Get an outage or security report")]
    [EndpointDescription("The report with its pre-filled facts, the author's sections and actions, the purchaser's decisions, the " +
        "late flag and (security events) containment, notices and their deadlines. ETag: the version.")]
    [Authorize(Policy = Policies.ReadReports)]
    [Tags(ApiTags.Reports)]
    [ProducesResponseType<ReportResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.ReportId)] Guid id, HttpContext http, IQuerySession session,
        TimeProvider clock)
    {
        var report = await session.LoadAsync<ReportDetails>(id, http.RequestAborted);
        return report?.State is null ? Problems.From(http, ReportErrors.NotFound(id)) : ReportStream.Answer(http, report, clock.GetUtcNow());
    }

    [WolverineGet("/api/v1/reports/{id}.html", OperationId = "getReportHtml")]
    [EndpointSummary("Printable report (HTML)")]
    [EndpointDescription("The report as one printable HTML page, zh-CN by default (English: `?lang=en` or Accept-Language).")]
    [Authorize(Policy = Policies.ReadReports)]
    [Tags(ApiTags.Reports)]
    [ReadsHeader("Accept-Language", PrintQuery.AcceptLanguage)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/html")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static Task<IResult> GetHtml([Description(PathParameters.ReportId)] Guid id, [AsParameters] PrintQuery query, HttpContext http,
        IQuerySession session, TimeProvider clock, IConfiguration configuration) =>
        Print(id, query, http, session, clock, configuration, ReportDocument.Html, "text/html; charset=utf-8");

    [WolverineGet("/api/v1/reports/{id}.md", OperationId = "getReportMarkdown")]
    [EndpointSummary("Printable report (Markdown)")]
    [EndpointDescription("The report as Markdown, zh-CN by default (English: `?lang=en` or Accept-Language).")]
    [Authorize(Policy = Policies.ReadReports)]
    [Tags(ApiTags.Reports)]
    [ReadsHeader("Accept-Language", PrintQuery.AcceptLanguage)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/markdown")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static Task<IResult> GetMarkdown([Description(PathParameters.ReportId)] Guid id, [AsParameters] PrintQuery query, HttpContext http,
        IQuerySession session, TimeProvider clock, IConfiguration configuration) =>
        Print(id, query, http, session, clock, configuration, ReportDocument.Markdown, "text/markdown; charset=utf-8");

    private static async Task<IResult> Print(Guid id, PrintQuery query, HttpContext http, IQuerySession session, TimeProvider clock,
        IConfiguration configuration, Func<Report, long, DateTimeOffset, PrintLanguage, TimeZoneInfo, string> render, string contentType)
    {
        var errors = new Dictionary<string, string[]>();
        if (PrintLanguage.From(http, query.Lang, errors) is not { } language)
        {
            return Problems.Validation(http, errors);
        }

        var report = await session.LoadAsync<ReportDetails>(id, http.RequestAborted);
        if (report?.State is null)
        {
            return Problems.From(http, ReportErrors.NotFound(id));
        }

        http.Response.Headers.ContentLanguage = language.Tag;
        return TypedResults.Text(render(report.State, report.Version, clock.GetUtcNow(), language, KpiData.Zone(configuration)), contentType);
    }
}

/// <summary>The reports a monthly report includes: those opened in the period, oldest first.</summary>
public static class ReportQueries
{
    public static async Task<IReadOnlyList<ReportSummary>> OpenedInAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, CancellationToken ct) =>
        (await session.Query<ReportDetails>().Where(r => r.OpenedAt >= from && r.OpenedAt < to)
            .OrderBy(r => r.OpenedAt).ThenBy(r => r.Id).ToListAsync(ct))
        .Select(r => ReportSummary.From(r, now)).ToList();
}
