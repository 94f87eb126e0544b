using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Text;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Calendar;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;
using Incidents.Projections.Drills;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Kpis;

/// <summary>A figure of the report against its contract target.</summary>
public sealed record ReportTarget(string Figure, double? Value, double Target, bool? Met, string Clause);

/// <summary>An outage or major event that took a system down in the month, with its restore time.</summary>
public sealed record ReportOutage(Guid IncidentId, string Title, string AffectedSystem, IncidentClass Class, DateTimeOffset ReportedAt,
    DateTimeOffset? RestoredAt, double? TimeToRestoreSeconds, DateTimeOffset? OccurredAt = null, double? TimeToDetectSeconds = null);

/// <summary>An SLA stage missed, and why: stopped after its due time, or still open past it.</summary>
public sealed record ReportBreach(Guid IncidentId, string Title, IncidentClass Class, SlaStage Stage, DateTimeOffset DueAt,
    DateTimeOffset? StoppedAt, SlaStageStatus Status, string Reason);

/// <summary>A drill held in the month (its synthetic incident).</summary>
public sealed record ReportDrill(Guid IncidentId, Guid? DrillId, string Title, string AffectedSystem, DateTimeOffset ReportedAt,
    IReadOnlyList<SlaStageStatus> Stages, DrillKind? Kind, DrillStatus? DrillStatus);

/// <summary>An issue of the report (an event in the month's report stream).</summary>
public sealed record ReportIssue(DateTimeOffset At, string By, bool OnTime, long Position, DateTimeOffset AsOf);

public sealed record MonthlyReport(
    string Month,
    string TimeZone,
    DateOnly DueDate,
    bool DueDateProvisional,
    IReadOnlyList<ReportIssue> Issued,
    KpiView Kpis,
    IReadOnlyList<ReportTarget> Targets,
    IReadOnlyList<ReportOutage> Outages,
    IReadOnlyList<ReportBreach> Breaches,
    IReadOnlyList<ReportDrill> Drills,
    // Issue #12: report minus occurred-at, over the month's incidents whose start is known; beside Kpis.Figures.TimeToAcknowledge.
    KpiDuration? TimeToDetect = null)
{
    /// <summary>Outage and security reports opened in the month, with their status and late flag (issue #13).</summary>
    public IReadOnlyList<Reports.Reading.ReportSummary> IncidentReports { get; init; } = [];
}

/// <summary>A month's report due date and whether (and when) it was issued.</summary>
/// <summary><see cref="Overdue"/>: not issued and the due date has passed (in the service's time zone).</summary>
public sealed record ReportDue(string Month, DateOnly DueDate, bool Provisional, DateTimeOffset? IssuedAt, bool? OnTime, bool Overdue);

public sealed record ReportDueDates(int Year, string TimeZone, IReadOnlyList<ReportDue> Months);

/// <summary>The year of the due dates, as sent.</summary>
public sealed class DueDatesQuery
{
    [FromQuery(Name = "year")]
    [Description("Calendar year in the service's time zone (default: this year).")]
    [Range(KpiPeriod.MinYear, KpiPeriod.MaxYear)]
    public string? Year { get; set; }

    /// <summary>The year, read; this year when absent; null when unreadable, named in <paramref name="errors"/>.</summary>
    public int? Read(int thisYear, Dictionary<string, string[]> errors)
    {
        var year = QueryValues.Int(Year, "year", thisYear, KpiPeriod.MinYear, KpiPeriod.MaxYear, errors);
        return errors.Count > 0 ? null : year;
    }
}

public static class MonthlyReportEndpoints
{
    [ExpensiveRead]
    [WolverineGet("/api/v1/reports/monthly/{month}", OperationId = "getMonthlyReport")]
    [EndpointSummary("Monthly service report")]
    [EndpointDescription("The report on a month: KPIs against contract targets, daily counts, outages with restore times, breaches with " +
        "reasons, drills held (whatever the drills filter says), due date and issues.")]
    [Authorize(Policy = Policies.ReadKpis)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<MonthlyReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.Month)] string month, [AsParameters] KpiFilterQuery query,
        HttpContext http, IQuerySession session, TimeProvider clock, IConfiguration configuration)
    {
        var (report, problem) = await Build(month, query, http, session, clock, configuration);
        return report is null ? problem! : TypedResults.Ok(report);
    }

    [ExpensiveRead]
    [WolverineGet("/api/v1/reports/monthly/{month}.html", OperationId = "getMonthlyReportHtml")]
    [EndpointSummary("Monthly service report (HTML)")]
    [EndpointDescription("The monthly report as a printable HTML page, zh-CN by default (English with lang=en or Accept-Language): " +
        "times in the service's time zone, statuses in words, charts with axes and printed value labels, and the outage time " +
        "left out of availability (approved maintenance, force majeure) listed with its reason.")]
    [Authorize(Policy = Policies.ReadKpis)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/html")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetHtml([Description(PathParameters.Month)] string month, [AsParameters] KpiFilterQuery query,
        [FromQuery(Name = "lang"), Description(Printing.PrintLanguage.QueryDescription)] string? lang,
        HttpContext http, IQuerySession session, TimeProvider clock, IConfiguration configuration)
    {
        var (report, problem) = await Build(month, query, http, session, clock, configuration);
        return report is null
            ? problem!
            : TypedResults.Text(Printing.MonthlyReportPrint.Render(report, Printing.PrintLanguage.For(http, lang, KpiData.Zone(configuration))),
                "text/html; charset=utf-8");
    }

    [WolverineGet("/api/v1/reports/due-dates", OperationId = "getReportDueDates")]
    [EndpointSummary("Monthly report due dates")]
    [EndpointDescription("Each month's report due date (5th working day of the next month on the official PRC calendar), provisional " +
        "for years without a schedule, and whether it was issued on time.")]
    [Authorize(Policy = Policies.ReadKpis)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<ReportDueDates>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetDueDates([AsParameters] DueDatesQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock, IConfiguration configuration)
    {
        var zone = KpiData.Zone(configuration);
        var today = KpiPeriod.DayOf(clock.GetUtcNow(), zone);
        var errors = new Dictionary<string, string[]>();
        if (query.Read(today.Year, errors) is not { } year)
        {
            return Problems.Validation(http, errors);
        }

        var months = new List<ReportDue>();
        for (var m = 1; m <= 12; m++)
        {
            var due = WorkingDayCalendar.Official.ReportDue(year, m);
            var first = (await IssuesAsync(session, due.Month, http.RequestAborted)).FirstOrDefault();
            months.Add(new ReportDue(due.Month, due.DueDate, due.Provisional, first?.At, first?.OnTime, first is null && today > due.DueDate));
        }

        return TypedResults.Ok(new ReportDueDates(year, zone.Id, months));
    }

    [WolverinePost("/api/v1/reports/monthly/{month}/issue", OperationId = "issueMonthlyReport")]
    [EndpointSummary("Issue the monthly report")]
    [EndpointDescription("Records that the report on a finished month was issued, on time or late, with the event-store position its " +
        "figures were computed at (open it again with that `position`). 422 while the month is not over.")]
    [Authorize(Policy = Policies.IssueReports)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<MonthlyReportIssued>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Issue([Description(PathParameters.Month)] string month, HttpContext http,
        IDocumentSession session, TimeProvider clock,
        IConfiguration configuration)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        var zone = KpiData.Zone(configuration);
        if (!TryMonth(month, zone, out var period))
        {
            return Problems.Validation(http, new Dictionary<string, string[]> { ["month"] = ["Use a month, e.g. 2026-11."] });
        }

        var now = clock.GetUtcNow();
        if (now < period.To)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status422UnprocessableEntity, "report.month-not-over",
                "The month is not over", $"The report on {period.Name} can be issued from {period.To:O} on."));
        }

        var due = WorkingDayCalendar.Official.ReportDue(period.FirstDay.Year, period.FirstDay.Month);
        var position = await KpiData.PositionAsync(session, http.RequestAborted);
        var issued = new MonthlyReportIssued(period.Name, due.DueDate, due.Provisional, KpiPeriod.DayOf(now, zone) <= due.DueDate,
            position, period.To, actor, now);
        var streamId = MonthlyReports.StreamId(period.Name);
        var stored = await session.Events.FetchStreamStateAsync(streamId, http.RequestAborted);
        if (stored is null)
        {
            session.Events.StartStream(streamId, issued);
        }
        else
        {
            session.Events.Append(streamId, stored.Version + 1, issued);
        }

        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "report.concurrent-issue", "Issued concurrently",
                $"The report on {period.Name} was issued by someone else at the same moment; reload the due dates and try again."));
        }

        return TypedResults.Created($"/api/v1/reports/monthly/{period.Name}?position={position}", issued);
    }

    public static async Task<(MonthlyReport? Report, IResult? Problem)> Build(string month, KpiFilterQuery query, HttpContext http,
        IQuerySession session, TimeProvider clock, IConfiguration configuration)
    {
        var zone = KpiData.Zone(configuration);
        if (!TryMonth(month, zone, out _))
        {
            return (null, Problems.Validation(http, new Dictionary<string, string[]> { ["month"] = ["Use a month, e.g. 2026-11."] }));
        }

        // The report lists every outage and breach of the month, so it takes the complete (in-memory) computation.
        var errors = new Dictionary<string, string[]>();
        if (query.ReadMonth(month, zone, errors) is not { } monthRequest)
        {
            return (null, Problems.Validation(http, errors));
        }

        var view = await GetKpisEndpoint.Compute(session, monthRequest, zone, clock, http.RequestAborted);

        // The daily chart: rebuild with days as buckets.
        var request = monthRequest with { By = KpiGranularity.Day, Position = view.Position, AsOf = view.AsOf, Filter = view.Filter };
        var facts = await KpiData.LoadAsync(session, request.Filter, request.Position, http.RequestAborted);
        view = view with { Buckets = KpiData.Buckets(facts, request, zone, view.AsOf) };

        var f = view.Figures;
        var ids = f.IncidentIds.ToHashSet();
        // Outages whose time was excluded (approved maintenance, force majeure) are still listed: shown, never hidden.
        var outageIds = f.Availability.Outages.Concat(f.Availability.Exclusions?.SelectMany(x => x.Incidents) ?? []).ToHashSet();
        var inMonth = facts.Where(x => ids.Contains(x.IncidentId)).ToList();
        var targets = new List<ReportTarget>
        {
            new("availability", f.Availability.Availability, f.Availability.Target, f.Availability.Met, "3.1 availability >= 99.99%"),
            new("fault-response-rate", f.FaultResponseRate.Value, f.FaultResponseRate.Target, f.FaultResponseRate.Met, f.FaultResponseRate.Clause),
            new("fault-resolution-rate", f.FaultResolutionRate.Value, f.FaultResolutionRate.Target, f.FaultResolutionRate.Met, f.FaultResolutionRate.Clause),
            new("user-satisfaction", f.UserSatisfaction.Value, f.UserSatisfaction.Target, f.UserSatisfaction.Met, f.UserSatisfaction.Clause),
            new("major-event-response-1-minute", f.MajorEventResponse.Value, f.MajorEventResponse.Target, f.MajorEventResponse.Met, f.MajorEventResponse.Clause),
        };
        var outages = facts.Where(x => outageIds.Contains(x.IncidentId))
            .OrderBy(x => x.ReportedAt)
            .Select(x => new ReportOutage(x.IncidentId, x.Title, x.AffectedSystem, x.Class, x.ReportedAt, x.RestoredAt,
                (x.RestoredAt - x.ReportedAt)?.TotalSeconds, x.OccurredAt, (x.ReportedAt - x.OccurredAt)?.TotalSeconds))
            .ToList();
        var breaches = inMonth.Where(x => x.CancelledAt is null)
            .SelectMany(x => SlaClock.Evaluate(x.Clock, view.AsOf)
                .Where(c => c.Status is SlaStageStatus.MetLate or SlaStageStatus.Breached && c.DueAt is not null)
                .Select(c => new ReportBreach(x.IncidentId, x.Title, x.Class, c.Stage, c.DueAt!.Value, c.StoppedAt, c.Status,
                    c.StoppedAt is { } stopped
                        ? $"{QueryValues.Name(c.Stage)} took {Minutes(stopped - x.ReportedAt)} against a target of {Minutes(c.Target!.Value)}"
                        : $"{QueryValues.Name(c.Stage)} still open at {view.AsOf:O}, due {c.DueAt:O}")))
            .ToList();
        var drillFilter = request.Filter with { Drills = DrillFilter.Only };
        var drillFacts = await KpiData.LoadAsync(session, drillFilter, request.Position, http.RequestAborted);
        var held = drillFacts.Where(x => x.ReportedAt >= view.From && x.ReportedAt < view.To).OrderBy(x => x.ReportedAt).ToList();
        var plans = (await session.LoadManyAsync<DrillDetails>(http.RequestAborted, held.Select(x => x.DrillId).OfType<Guid>().Distinct().ToArray()))
            .ToDictionary(d => d.Id);
        var drills = held
            .Select(x => new ReportDrill(x.IncidentId, x.DrillId, x.Title, x.AffectedSystem, x.ReportedAt,
                SlaClock.Evaluate(x.Clock, view.AsOf).Select(c => c.Status).ToList(),
                x.DrillId is { } d && plans.TryGetValue(d, out var plan) ? plan.Kind : null,
                x.DrillId is { } d2 && plans.TryGetValue(d2, out var plan2) ? plan2.Status : null))
            .ToList();
        var due = WorkingDayCalendar.Official.ReportDue(request.Period.FirstDay.Year, request.Period.FirstDay.Month);
        var issues = (await IssuesAsync(session, request.Period.Name, http.RequestAborted))
            .Select(i => new ReportIssue(i.At, i.By.Name, i.OnTime, i.Position, i.AsOf)).ToList();
        var incidentReports = await Reports.Reading.ReportQueries.OpenedInAsync(session, view.From, view.To, view.AsOf, http.RequestAborted);
        var detect = KpiCalculator.Duration(inMonth.Where(x => x.CancelledAt is null).Select(x => x.ReportedAt - x.OccurredAt));
        return (new MonthlyReport(request.Period.Name, zone.Id, due.DueDate, due.Provisional, issues, view, targets, outages, breaches, drills,
            detect) { IncidentReports = incidentReports }, null);
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";

    private static bool TryMonth(string month, TimeZoneInfo zone, out KpiPeriod period) =>
        KpiPeriod.TryParse(month, zone, out period) && period.Granularity == KpiGranularity.Month;

    private static async Task<IReadOnlyList<MonthlyReportIssued>> IssuesAsync(IQuerySession session, string month, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(MonthlyReports.StreamId(month), token: ct))
            .Select(e => e.Data).OfType<MonthlyReportIssued>().ToList();
}
