using System.Net;
using System.Text;
using Incidents.Api.Reports.Reading;
using Incidents.Domain.Reports;

namespace Incidents.Api.Reports.Printing;

/// <summary>The monthly report's section on outage and security reports: each report, its status, and whether it was late.</summary>
public static class MonthlyReportsSection
{
    public static string Html(IReadOnlyList<ReportSummary> reports, PrintLanguage? language = null)
    {
        var l = language ?? PrintLanguage.Chinese;
        var html = new StringBuilder();
        html.Append("<h2>").Append(E(l.Pick("宕机报告与安全事件报告", "Outage and security reports"))).Append("</h2><table><tr><th>")
            .Append(E(l.Pick("报告", "Report"))).Append("</th><th>").Append(E(l.Pick("事件", "Incident"))).Append("</th><th>")
            .Append(E(l.Pick("状态", "Status"))).Append("</th><th>").Append(E(l.Pick("截止", "Due"))).Append("</th><th>")
            .Append(E(l.Pick("逾期", "Late"))).Append("</th></tr>");
        foreach (var r in reports)
        {
            html.Append("<tr><td>").Append(E(r.Kind == ReportKind.Outage ? l.Pick("宕机报告", "outage report") : l.Pick("安全事件分析报告", "security report")))
                .Append("</td><td>").Append(E(r.Title)).Append(" (").Append(r.IncidentId).Append(")</td><td>")
                .Append(E(ReportDocument.StatusName(r.Status, l))).Append("</td><td>").Append(E(r.DueAt.ToString("yyyy-MM-dd HH:mm 'UTC'", l.Culture)))
                .Append("</td><td>").Append(E(r.Late ? l.Pick("是", "yes") : l.Pick("否", "no"))).Append("</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
