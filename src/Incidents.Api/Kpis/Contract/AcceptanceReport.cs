using System.ComponentModel;
using System.Text;
using Incidents.Api.Drills;
using Incidents.Api.Drills.Compliance;
using Incidents.Api.Http;
using Incidents.Api.Kpis.Printing;
using Incidents.Api.Security;
using Incidents.Domain.Calendar;
using Incidents.Domain.Kpis;
using Incidents.Domain.Drills;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;
using static Incidents.Api.Kpis.Printing.PrintLanguage;

namespace Incidents.Api.Kpis.Contract;

/// <summary>What a part of the acceptance report stands on: computed here, or a record another feature has not built yet.</summary>
public enum AcceptanceEvidence
{
    Recorded,

    /// <summary>The feature that records it does not exist yet: shown as such, never as a number.</summary>
    NotYetRecorded,
}

/// <summary>One KPI against its target, with the evidence: numerator over denominator and where to open the incidents.</summary>
public sealed record AcceptanceKpi(string Figure, double? Value, double Target, bool? Met, string Clause, double? Numerator,
    double? Denominator, IReadOnlyList<Guid> Shortfall, string EvidenceLink);

/// <summary>A count held against a count required (key-assurance periods, reports accepted), or not yet recorded.</summary>
public sealed record AcceptanceCount(string Item, AcceptanceEvidence Evidence, int? Held, int? Required, bool? Met, string Note);

/// <summary>A monthly report of the contract year: due, issued, on time.</summary>
public sealed record AcceptanceMonthlyReport(string Month, DateOnly DueDate, DateTimeOffset? IssuedAt, bool? OnTime, bool Overdue);

public sealed record AcceptanceReport(
    int ContractYear,
    string Period,
    string TimeZone,
    DateOnly FirstDay,
    DateOnly LastDay,
    DateTimeOffset AsOf,
    long Position,
    IReadOnlyList<AcceptanceKpi> Kpis,
    KpiAvailability Availability,
    DrillCompliance Drills,
    AcceptanceCount KeyAssurancePeriods,
    AcceptanceCount IncidentReportsAccepted,
    IReadOnlyList<AcceptanceMonthlyReport> MonthlyReports,
    bool? Accepted,
    string Verdict);

/// <summary>
/// What the acceptance report reads from other features' records: key-assurance periods held (issue #11) and outage and
/// security reports accepted by the purchaser (issue #13). <see cref="AcceptanceEvidence.NotYetRecorded"/> stays for a
/// part a future feature records.
/// </summary>
public static class AcceptanceSeams
{
    public const int RequiredKeyAssurancePeriods = 4;

    /// <summary>Completed key-assurance periods whose window began in the year (cancelled ones do not count), against four.</summary>
    public static async Task<AcceptanceCount> KeyAssurancePeriodsAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var held = await session.Query<Projections.Assurance.KeyAssurancePeriodDetails>()
            .Where(p => p.Status == Domain.Assurance.KeyAssuranceStatus.Completed && p.Start >= from && p.Start < to)
            .CountAsync(ct);
        return new AcceptanceCount("key-assurance-periods", AcceptanceEvidence.Recorded, held, RequiredKeyAssurancePeriods,
            held >= RequiredKeyAssurancePeriods, "Completed key-assurance periods (重保期) whose window began in the year; cancelled ones do not count.");
    }

    /// <summary>Outage and security event reports opened in the year that the purchaser accepted, against all opened.</summary>
    public static async Task<AcceptanceCount> IncidentReportsAcceptedAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var statuses = await session.Query<Projections.Reports.ReportDetails>()
            .Where(r => r.OpenedAt >= from && r.OpenedAt < to)
            .Select(r => r.Status)
            .ToListAsync(ct);
        var accepted = statuses.Count(s => s == Domain.Reports.ReportStatus.Accepted);
        return new AcceptanceCount("outage-and-security-reports-accepted", AcceptanceEvidence.Recorded, accepted, statuses.Count,
            accepted == statuses.Count, "Outage and security event reports opened in the year and accepted by the purchaser, against all opened.");
    }
}

public static class AcceptanceReportEndpoints
{
    [WolverineGet("/api/v1/reports/acceptance/{contractYear}", OperationId = "getAcceptanceReport")]
    [EndpointSummary("Acceptance report of a contract year")]
    [EndpointDescription("What the purchaser accepts the service year on (3.2 item 4): every KPI against its target with evidence, " +
        "outage time excluded (approved maintenance, force majeure) with reasons, drills held against required, key-assurance " +
        "periods against four, outage and security reports accepted, monthly reports on time. Parts another feature records " +
        "are `notYetRecorded` until it exists.")]
    [Authorize(Policy = Policies.ReadAcceptance)]
    [Tags(ApiTags.Contract)]
    [ProducesResponseType<AcceptanceReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.ContractYear)] string contractYear, HttpContext http,
        IQuerySession session, TimeProvider clock, IConfiguration configuration, IOptions<DrillOptions> drills)
    {
        var (report, problem) = await Build(contractYear, http, session, clock, configuration, drills.Value);
        return report is null ? problem! : TypedResults.Ok(report);
    }

    [WolverineGet("/api/v1/reports/acceptance/{contractYear}.html", OperationId = "getAcceptanceReportHtml")]
    [EndpointSummary("Acceptance report of a contract year (HTML)")]
    [EndpointDescription("The acceptance report as a printable page, zh-CN by default (English with lang=en or Accept-Language).")]
    [Authorize(Policy = Policies.ReadAcceptance)]
    [Tags(ApiTags.Contract)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/html")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetHtml([Description(PathParameters.ContractYear)] string contractYear,
        [FromQuery(Name = "lang"), Description(PrintLanguage.QueryDescription)] string? lang, HttpContext http, IQuerySession session,
        TimeProvider clock, IConfiguration configuration, IOptions<DrillOptions> drills)
    {
        var (report, problem) = await Build(contractYear, http, session, clock, configuration, drills.Value);
        return report is null
            ? problem!
            : TypedResults.Text(Render(report, PrintLanguage.For(http, lang, KpiData.Zone(configuration))), "text/html; charset=utf-8");
    }

    public static async Task<(AcceptanceReport? Report, IResult? Problem)> Build(string contractYear, HttpContext http, IQuerySession session,
        TimeProvider clock, IConfiguration configuration, DrillOptions drillOptions)
    {
        var errors = new Dictionary<string, string[]>();
        var number = QueryValues.Int(contractYear, "contractYear", 1, 1, ContractCalendar.MaxYears, errors);
        if (errors.Count > 0)
        {
            return (null, Problems.Validation(http, errors));
        }

        var zone = KpiData.Zone(configuration);
        var period = ContractCalendar.From(configuration).Year(number, zone);
        var request = new KpiRequest(period, null, new KpiFilter(period.From, period.To), null, null);
        var view = await GetKpisEndpoint.Compute(session, request, zone, clock, http.RequestAborted);
        var f = view.Figures;
        var a = f.Availability;
        var kpis = new List<AcceptanceKpi>
        {
            new("availability", a.Availability, a.Target, a.Met, "3.1 availability >= 99.99%", a.PeriodSeconds - a.OutageSeconds,
                a.PeriodSeconds, a.Outages, KpiData.EvidenceLink),
        };
        foreach (var (name, r) in new[] { ("fault-response-rate", f.FaultResponseRate), ("fault-resolution-rate", f.FaultResolutionRate),
                     ("user-satisfaction", f.UserSatisfaction), ("major-event-response-1-minute", f.MajorEventResponse) })
        {
            kpis.Add(new AcceptanceKpi(name, r.Value, r.Target, r.Met, r.Clause, r.Numerator, r.Denominator, r.Shortfall, KpiData.EvidenceLink));
        }

        var drills = await GetComplianceEndpoint.CountAsync(session, drillOptions, period.FirstDay.Year, period.Name, period.From, period.To,
            http.RequestAborted);
        var today = KpiPeriod.DayOf(clock.GetUtcNow(), zone);
        var months = new List<AcceptanceMonthlyReport>();
        for (var m = new DateOnly(period.FirstDay.Year, period.FirstDay.Month, 1); m < period.EndDay!.Value; m = m.AddMonths(1))
        {
            var due = WorkingDayCalendar.Official.ReportDue(m.Year, m.Month);
            var first = (await session.Events.FetchStreamAsync(MonthlyReports.StreamId(due.Month), token: http.RequestAborted))
                .Select(e => e.Data).OfType<MonthlyReportIssued>().FirstOrDefault();
            months.Add(new AcceptanceMonthlyReport(due.Month, due.DueDate, first?.At, first?.OnTime, first is null && today > due.DueDate));
        }

        var keyAssurance = await AcceptanceSeams.KeyAssurancePeriodsAsync(session, period.From, period.To, http.RequestAborted);
        var reports = await AcceptanceSeams.IncidentReportsAcceptedAsync(session, period.From, period.To, http.RequestAborted);
        var known = kpis.All(k => k.Met != false) && drills.Compliant && months.All(m => m.OnTime != false && !m.Overdue)
            && keyAssurance.Met != false && reports.Met != false;
        var complete = view.AsOf >= period.To && months.All(m => m.OnTime is not null)
            && keyAssurance.Evidence == AcceptanceEvidence.Recorded && reports.Evidence == AcceptanceEvidence.Recorded;
        bool? accepted = !known ? false : complete ? true : null;
        var verdict = accepted switch
        {
            false => "not-met",
            true => "met",
            _ => "incomplete",
        };
        return (new AcceptanceReport(number, period.Name, zone.Id, period.FirstDay, period.EndDay.Value.AddDays(-1), view.AsOf, view.Position,
            kpis, a, drills, keyAssurance, reports, months, accepted, verdict), null);
    }

    public static string Render(AcceptanceReport r, PrintLanguage l)
    {
        var title = l.T($"第{r.ContractYear}合同年度服务验收报告", $"Service acceptance report, contract year {r.ContractYear}");
        var html = new StringBuilder(l.Head(title));
        html.Append("<h1>").Append(E(title)).Append("</h1><p class=\"note\">")
            .Append(E(l.T($"服务期 {l.Date(r.FirstDay)} 至 {l.Date(r.LastDay)}；所有时间均为{l.ZoneName()}；数据截至 {l.Time(r.AsOf)}（事件库位置 {r.Position}）。",
                $"Service year {l.Date(r.FirstDay)} to {l.Date(r.LastDay)}; all times in {l.ZoneName()}; figures as of {l.Time(r.AsOf)} (event-store position {r.Position}).")))
            .Append("</p><p><strong>").Append(E(l.T("结论：", "Verdict: "))).Append(E(r.Verdict switch
            {
                "met" => l.T("全部达标", "every requirement met"),
                "not-met" => l.T("存在未达标项", "requirements not met"),
                _ => l.T("尚不完整（部分内容尚未记录或服务期未结束）", "incomplete (some parts not yet recorded, or the year is not over)"),
            })).Append("</strong></p>");

        html.Append("<h2>").Append(E(l.T("合同指标", "KPIs against contract targets"))).Append("</h2><table><tr><th>").Append(E(l.T("指标", "Figure")))
            .Append("</th><th>").Append(E(l.T("实际值", "Value"))).Append("</th><th>").Append(E(l.T("目标值", "Target"))).Append("</th><th>")
            .Append(E(l.T("结论", "Status"))).Append("</th><th>").Append(E(l.T("依据", "Evidence"))).Append("</th><th>")
            .Append(E(l.T("合同条款", "Clause"))).Append("</th></tr>");
        foreach (var k in r.Kpis)
        {
            var evidence = k.Figure == "availability"
                ? l.T($"计入停机 {l.Duration(r.Availability.OutageSeconds)}，不计入 {l.Duration(r.Availability.ExcludedSeconds)}",
                    $"outage counted {l.Duration(r.Availability.OutageSeconds)}, excluded {l.Duration(r.Availability.ExcludedSeconds)}")
                : l.T($"{l.Number(k.Numerator ?? 0)} / {l.Number(k.Denominator ?? 0)}，未达 {l.Number(k.Shortfall.Count)} 起",
                    $"{l.Number(k.Numerator ?? 0)} / {l.Number(k.Denominator ?? 0)}, {l.Number(k.Shortfall.Count)} short");
            html.Append("<tr").Append(k.Met == false ? " class=\"miss\"" : "").Append("><td>").Append(E(Words.Figure(l, k.Figure)))
                .Append("</td><td class=\"num\">").Append(E(l.Percent(k.Value))).Append("</td><td class=\"num\">").Append(E(l.Percent(k.Target)))
                .Append("</td><td>").Append(E(l.Met(k.Met))).Append("</td><td>").Append(E(evidence)).Append("</td><td>").Append(E(k.Clause))
                .Append("</td></tr>");
        }

        html.Append("</table><h2>").Append(E(l.T("不计入可用性的停机时间", "Outage time excluded from availability"))).Append("</h2>")
            .Append(MonthlyReportPrint.Exclusions(r.Availability.Exclusions ?? [], l));

        html.Append("<h2>").Append(E(l.T("应急演练", "Drills held against required"))).Append("</h2>")
            .Append(BarChart.Render(r.Drills.Kinds.Select(k => (Words.DrillKind(l, k.Kind), (double)k.Completed)).ToList(),
                l.T("已完成演练", "Drills completed"), v => l.Number(v)))
            .Append("<table><tr><th>").Append(E(l.T("类型", "Kind"))).Append("</th><th>").Append(E(l.T("已完成", "Held")))
            .Append("</th><th>").Append(E(l.T("要求", "Required"))).Append("</th><th>").Append(E(l.T("结论", "Status"))).Append("</th></tr>");
        foreach (var k in r.Drills.Kinds)
        {
            html.Append("<tr").Append(k.Met ? "" : " class=\"miss\"").Append("><td>").Append(E(Words.DrillKind(l, k.Kind))).Append("</td><td class=\"num\">")
                .Append(l.Number(k.Completed)).Append("</td><td class=\"num\">").Append(l.Number(k.Required)).Append("</td><td>")
                .Append(E(l.Met(k.Met))).Append("</td></tr>");
        }

        html.Append("</table><h2>").Append(E(l.T("重保期与报告确认", "Key-assurance periods and reports accepted"))).Append("</h2><table><tr><th>")
            .Append(E(l.T("项目", "Item"))).Append("</th><th>").Append(E(l.T("情况", "Status"))).Append("</th></tr>");
        foreach (var (name, c) in new[] { (l.T("重保期（要求 4 次）", "Key-assurance periods (4 required)"), r.KeyAssurancePeriods),
                     (l.T("宕机报告与安全事件报告均已确认", "Outage and security reports all accepted"), r.IncidentReportsAccepted) })
        {
            html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(c.Evidence == AcceptanceEvidence.NotYetRecorded
                ? l.T("尚未记录（本系统暂未记录此项）", "not yet recorded (this system does not record it yet)")
                : $"{l.Number(c.Held ?? 0)} / {l.Number(c.Required ?? 0)}，{l.Met(c.Met)}")).Append("</td></tr>");
        }

        html.Append("</table><h2>").Append(E(l.T("月度报告报送情况", "Monthly reports on time"))).Append("</h2><table><tr><th>")
            .Append(E(l.T("月份", "Month"))).Append("</th><th>").Append(E(l.T("截止日", "Due"))).Append("</th><th>")
            .Append(E(l.T("报送时间", "Issued"))).Append("</th><th>").Append(E(l.T("状态", "Status"))).Append("</th></tr>");
        foreach (var m in r.MonthlyReports)
        {
            var status = m.OnTime switch
            {
                true => l.T("按时", "on time"),
                false => l.T("逾期", "late"),
                _ => m.Overdue ? l.T("逾期未报", "overdue, not issued") : l.T("未到期", "not due yet"),
            };
            html.Append("<tr").Append(m.OnTime == false || m.Overdue ? " class=\"miss\"" : "").Append("><td>").Append(E(m.Month)).Append("</td><td>")
                .Append(l.Date(m.DueDate)).Append("</td><td>").Append(m.IssuedAt is { } at ? l.Time(at) : "").Append("</td><td>").Append(E(status))
                .Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }
}
