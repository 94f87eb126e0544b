using System.Text;
using Incidents.Domain.Kpis;
using static Incidents.Api.Kpis.Printing.PrintLanguage;

namespace Incidents.Api.Kpis.Printing;

/// <summary>
/// The monthly service report as one printable HTML page, zh-CN first (English with <c>?lang=en</c> or Accept-Language):
/// every time in the service's zone in one format, statuses in words, charts with axes and printed value labels, excluded
/// outage time listed with its reason. No scripts, no external resources; all user text encoded.
/// </summary>
public static class MonthlyReportPrint
{
    public static string Render(MonthlyReport r, PrintLanguage l)
    {
        var f = r.Kpis.Figures;
        var title = l.T($"{r.Month} 月度运维服务报告", $"Monthly service report {r.Month}");
        var html = new StringBuilder(l.Head(title));
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        html.Append("<p class=\"note\">").Append(E(l.T("所有时间均为", "All times are in "))).Append(E(l.ZoneName())).Append(E(l.T("。", ". ")))
            .Append(E(l.T($"数据截至 {l.Time(r.Kpis.AsOf)}（事件库位置 {r.Kpis.Position}）。", $"Figures as of {l.Time(r.Kpis.AsOf)} (event-store position {r.Kpis.Position}). ")))
            .Append(E(l.T($"报送截止日 {l.Date(r.DueDate)}", $"Due {l.Date(r.DueDate)}")))
            .Append(r.DueDateProvisional ? E(l.T("（节假日安排未公布，暂定）", " (holiday schedule not yet published: provisional)")) : "")
            .Append(E(r.Issued.Count == 0
                ? l.T("；尚未报送。", "; not issued yet.")
                : l.T($"；已于 {l.Time(r.Issued[0].At)} 由 {r.Issued[0].By} 报送，{(r.Issued[0].OnTime ? "按时" : "逾期")}。",
                    $"; issued {l.Time(r.Issued[0].At)} by {r.Issued[0].By}, {(r.Issued[0].OnTime ? "on time" : "late")}.")))
            .Append("</p>");

        html.Append("<h2>").Append(E(l.T("合同指标完成情况", "KPIs against contract targets"))).Append("</h2><table><tr><th>")
            .Append(E(l.T("指标", "Figure"))).Append("</th><th>").Append(E(l.T("实际值", "Value"))).Append("</th><th>")
            .Append(E(l.T("目标值", "Target"))).Append("</th><th>").Append(E(l.T("结论", "Status"))).Append("</th><th>")
            .Append(E(l.T("合同条款", "Clause"))).Append("</th></tr>");
        foreach (var t in r.Targets)
        {
            html.Append("<tr").Append(t.Met == false ? " class=\"miss\"" : "").Append("><td>").Append(E(Words.Figure(l, t.Figure)))
                .Append("</td><td class=\"num\">").Append(E(l.Percent(t.Value))).Append("</td><td class=\"num\">").Append(E(l.Percent(t.Target)))
                .Append("</td><td>").Append(E(l.Met(t.Met))).Append("</td><td>").Append(E(t.Clause)).Append("</td></tr>");
        }

        var a = f.Availability;
        html.Append("</table><p>").Append(E(l.T(
            $"事件 {l.Number(f.Incidents)} 起（其中取消 {l.Number(f.Cancelled)} 起）。计入可用性的停机时间 {l.Duration(a.OutageSeconds)}；"
            + $"不计入的停机时间 {l.Duration(a.ExcludedSeconds)}；99.99% 停机预算剩余 {l.Duration(a.RemainingBudgetSeconds)}。",
            $"Incidents: {l.Number(f.Incidents)} (cancelled {l.Number(f.Cancelled)}). Outage time counted: {l.Duration(a.OutageSeconds)}; "
            + $"excluded: {l.Duration(a.ExcludedSeconds)}; remaining 99.99% downtime budget: {l.Duration(a.RemainingBudgetSeconds)}.")))
            .Append("</p>");

        html.Append("<h2>").Append(E(l.T("不计入可用性的停机时间", "Outage time excluded from availability"))).Append("</h2>");
        html.Append(Exclusions(a.Exclusions ?? [], l));

        html.Append("<h2>").Append(E(l.T("每日事件数", "Incidents per day"))).Append("</h2>")
            .Append(BarChart.Render(r.Kpis.Buckets.Select(b => (b.Period[^2..], (double)b.Incidents)).ToList(),
                l.T("每日事件数", "Incidents per day"), v => l.Number(v)));
        html.Append("<h2>").Append(E(l.T("各环节SLA达成率", "SLA attainment per stage"))).Append("</h2>")
            .Append(BarChart.Render(f.SlaAttainment.Select(s => (Words.Stage(l, s.Stage), (s.Rate ?? 0) * 100)).ToList(),
                l.T("各环节SLA达成率", "SLA attainment per stage"), v => l.Number(v, 1) + "%", 100));

        html.Append("<h2>").Append(E(l.T("宕机事件", "Outages"))).Append("</h2><table><tr><th>").Append(E(l.T("事件", "Incident")))
            .Append("</th><th>").Append(E(l.T("系统", "System"))).Append("</th><th>").Append(E(l.T("报告时间", "Reported")))
            .Append("</th><th>").Append(E(l.T("恢复时间", "Restored"))).Append("</th><th>").Append(E(l.T("恢复用时", "Time to restore"))).Append("</th></tr>");
        foreach (var o in r.Outages)
        {
            html.Append("<tr><td>").Append(E(o.Title)).Append("<br><span class=\"note\">").Append(o.IncidentId).Append("</span></td><td>")
                .Append(E(o.AffectedSystem)).Append("</td><td>").Append(l.Time(o.ReportedAt)).Append("</td><td>")
                .Append(o.RestoredAt is { } at ? l.Time(at) : E(l.T("尚未恢复", "not restored"))).Append("</td><td>")
                .Append(o.TimeToRestoreSeconds is { } s ? E(l.Duration(s)) : "").Append("</td></tr>");
        }

        html.Append("</table><h2>").Append(E(l.T("超时情况", "Breaches"))).Append("</h2><table><tr><th>").Append(E(l.T("事件", "Incident")))
            .Append("</th><th>").Append(E(l.T("环节", "Stage"))).Append("</th><th>").Append(E(l.T("时限", "Due")))
            .Append("</th><th>").Append(E(l.T("状态", "Status"))).Append("</th><th>").Append(E(l.T("说明", "Reason"))).Append("</th></tr>");
        foreach (var b in r.Breaches)
        {
            var reason = b.StoppedAt is { } stopped
                ? l.T($"于 {l.Time(stopped)} 完成，超出时限 {l.Duration((stopped - b.DueAt).TotalSeconds)}",
                    $"done at {l.Time(stopped)}, {l.Duration((stopped - b.DueAt).TotalSeconds)} after the due time")
                : l.T($"截至 {l.Time(r.Kpis.AsOf)} 仍未完成", $"still open at {l.Time(r.Kpis.AsOf)}");
            html.Append("<tr><td>").Append(E(b.Title)).Append("</td><td>").Append(E(Words.Stage(l, b.Stage))).Append("</td><td>")
                .Append(l.Time(b.DueAt)).Append("</td><td>").Append(E(Words.StageStatus(l, b.Status))).Append("</td><td>").Append(E(reason))
                .Append("</td></tr>");
        }

        html.Append("</table><h2>").Append(E(l.T("本月演练", "Drills held"))).Append("</h2><table><tr><th>").Append(E(l.T("演练", "Drill")))
            .Append("</th><th>").Append(E(l.T("类型", "Kind"))).Append("</th><th>").Append(E(l.T("系统", "System")))
            .Append("</th><th>").Append(E(l.T("开始时间", "Started"))).Append("</th></tr>");
        foreach (var d in r.Drills)
        {
            html.Append("<tr><td>").Append(E(d.Title)).Append("</td><td>").Append(E(Words.DrillKind(l, d.Kind))).Append("</td><td>")
                .Append(E(d.AffectedSystem)).Append("</td><td>").Append(l.Time(d.ReportedAt)).Append("</td></tr>");
        }

        return html.Append("</table>").Append(Reports.Printing.MonthlyReportsSection.Html(r.IncidentReports, l.IsEnglish ? Reports.Printing.PrintLanguage.English : Reports.Printing.PrintLanguage.Chinese)).Append("</body></html>").ToString();
    }

    /// <summary>Each exclusion that took outage time out, with why, how long, who approved: shown, never hidden.</summary>
    public static string Exclusions(IReadOnlyList<KpiExcludedTime> exclusions, PrintLanguage l)
    {
        if (exclusions.Count == 0)
        {
            return "<p>" + E(l.T("无。所有停机时间均计入可用性。", "None: all outage time counts.")) + "</p>";
        }

        var html = new StringBuilder("<table><tr><th>").Append(E(l.T("类型", "Kind"))).Append("</th><th>").Append(E(l.T("名称", "Title")))
            .Append("</th><th>").Append(E(l.T("原因", "Reason"))).Append("</th><th>").Append(E(l.T("系统", "Systems"))).Append("</th><th>")
            .Append(E(l.T("时间段", "Window"))).Append("</th><th>").Append(E(l.T("不计入时长", "Excluded"))).Append("</th><th>")
            .Append(E(l.T("批准", "Approved"))).Append("</th></tr>");
        foreach (var x in exclusions)
        {
            html.Append("<tr><td>").Append(E(Words.Exclusion(l, x.Kind))).Append("</td><td>").Append(E(x.Title)).Append("</td><td>")
                .Append(E(x.Reason)).Append("</td><td>").Append(E(string.Join(", ", x.Systems))).Append("</td><td>")
                .Append(x.From is { } from && x.To is { } to ? $"{l.Time(from)} – {l.Time(to)}" : E(l.T("整个宕机过程", "the whole outage")))
                .Append("</td><td class=\"num\">").Append(E(l.Duration(x.ExcludedSeconds))).Append("</td><td>").Append(E(x.ApprovedBy))
                .Append(' ').Append(l.Time(x.ApprovedAt)).Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }
}
