using System.Net;
using System.Text;
using Incidents.Domain.Incidents;
using Incidents.Domain.Reports;
using Incidents.Domain.Sla;

namespace Incidents.Api.Reports.Printing;

/// <summary>
/// An outage or security report as a printable document, in HTML (one page, no scripts, no external resources) or
/// Markdown, zh-CN first. Every text a person typed is encoded (HTML) or escaped (Markdown): it reads as text, never as
/// markup or a link.
/// </summary>
public static class ReportDocument
{
    /// <summary>The rows and sections of the document, in order, whatever the output format.</summary>
    private sealed record Section(string Heading, IReadOnlyList<string>? Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

    public static string Title(Report r, PrintLanguage l) => r.Kind == ReportKind.Outage
        ? l.Pick("宕机报告", "Outage report")
        : l.Pick("安全事件分析报告", "Security event analysis report");

    private static IReadOnlyList<Section> Sections(Report r, long version, DateTimeOffset now, PrintLanguage l, TimeZoneInfo zone)
    {
        var f = r.Facts;
        var sections = new List<Section>
        {
            new(l.Pick("概况", "Overview"), null,
            [
                [l.Pick("事件", "Incident"), $"{f.Title} ({r.IncidentId})"],
                [l.Pick("类别", "Class"), ClassName(f.Class, l)],
                [l.Pick("系统", "System"), f.AffectedSystem],
                [l.Pick("状态", "Status"), StatusName(r.Status, l) + (r.IsLate(now) ? l.Pick("（逾期）", " (late)") : "")],
                [l.Pick("截止时间", "Due"), $"{l.Day(r.DueOn)} ({l.Time(r.DueAt, zone)})"],
                [l.Pick("版本", "Version"), version.ToString(l.Culture)],
                .. r.Grade is { } grade ? [(IReadOnlyList<string>)[l.Pick("事件分级", "Grade"), GradeName(grade, l)]] : Array.Empty<IReadOnlyList<string>>(),
            ]),
            new(l.Pick("时间线（对照目标）", "Timeline against targets"),
                [l.Pick("环节", "Stage"), l.Pick("目标", "Target"), l.Pick("截止", "Due"), l.Pick("实际", "Actual"), l.Pick("达标", "Met")],
                f.Stages.Select(s => (IReadOnlyList<string>)[StageName(s.Stage, l), l.Duration(s.Target), l.Time(s.DueAt, zone),
                    l.Time(s.StoppedAt, zone), s.Met is null ? "—" : s.Met.Value ? l.Pick("是", "yes") : l.Pick("否", "no")]).ToList()),
            new(l.Pick("关键时间", "Key times"), null,
            [
                [l.Pick("报告时间", "Reported"), l.Time(f.ReportedAt, zone)],
                [l.Pick("响应时间", "Acknowledged"), l.Time(f.AcknowledgedAt, zone) + (f.AcknowledgedBy is { } by ? $" ({by})" : "")],
                [l.Pick("到场时间", "On site"), l.Time(f.FirstArrivalAt, zone)],
                [l.Pick("恢复时间", "Restored"), l.Time(f.RestoredAt, zone)],
                [l.Pick("持续时长", "Duration"), l.Duration(f.Duration)],
                [l.Pick("恢复说明", "Restoration"), f.RestorationSummary ?? "—"],
            ]),
            new(l.Pick("响应人员", "Responders"), [l.Pick("人员", "Person"), l.Pick("团队", "Team"), l.Pick("派出", "Dispatched"), l.Pick("到场", "Arrived")],
                f.Responders.Select(p => (IReadOnlyList<string>)[p.Name, p.Team ?? "—", l.Time(p.DispatchedAt, zone), l.Time(p.ArrivedAt, zone)]).ToList()),
            new(l.Pick("已通知", "Notified"), null, f.Notified.Select(n => (IReadOnlyList<string>)[n]).ToList()),
            new(l.Pick("影响", "Impact"), null,
            [
                [l.Pick("受影响用户", "Users"), l.Number(r.Impact.Users)],
                [l.Pick("受影响医院", "Hospitals"), l.Number(r.Impact.Hospitals)],
                [l.Pick("受影响交易", "Transactions"), l.Number(r.Impact.Transactions)],
                [l.Pick("影响说明", "Description"), r.Impact.Description ?? "—"],
            ]),
            new(l.Pick("根本原因", "Root cause"), null,
            [
                [l.Pick("原因类别", "Category"), r.CauseCategory is { } c ? CauseName(c, l) : "—"],
                [l.Pick("原因分析", "Analysis"), r.RootCause ?? "—"],
                [l.Pick("总结", "Summary"), r.Summary ?? "—"],
            ]),
            new(l.Pick("纠正和预防措施", "Corrective and preventive actions"),
                ["#", l.Pick("类型", "Kind"), l.Pick("措施", "Action"), l.Pick("责任人", "Owner"), l.Pick("完成期限", "Due"), l.Pick("完成情况", "Done")],
                r.Actions.Select(a => (IReadOnlyList<string>)[a.Number.ToString(l.Culture),
                    a.Kind == ReportActionKind.Corrective ? l.Pick("纠正", "corrective") : l.Pick("预防", "preventive"), a.Description, a.Owner,
                    l.Day(a.DueOn), a.DoneAt is { } done ? l.Time(done, zone) + (a.DoneNote is { } note ? $" ({note})" : "") : l.Pick("未完成", "open")]).ToList()),
        };

        if (r.Kind == ReportKind.Security)
        {
            sections.Add(new(l.Pick("处置措施", "Containment"), [l.Pick("时间", "Taken at"), l.Pick("措施", "Step"), l.Pick("记录人", "By")],
                r.Containment.Select(c => (IReadOnlyList<string>)[l.Time(c.TakenAt, zone), c.Description, c.By.Name]).ToList()));
            sections.Add(new(l.Pick("通报时限", "Notice deadlines"), [l.Pick("对象", "Recipient"), l.Pick("时限", "Due"), l.Pick("状态", "Status")],
                r.NoticesDue.Select(d => (IReadOnlyList<string>)[RecipientName(d.Recipient, l), l.Time(d.DueAt, zone),
                    NoticeStatusName(NoticeClock.Status(r, d, now), l)]).ToList()));
            sections.Add(new(l.Pick("通报记录", "Notices"),
                [l.Pick("对象", "Recipient"), l.Pick("单位/人员", "Party"), l.Pick("时间", "When"), l.Pick("方式", "Channel"), l.Pick("文号", "Reference")],
                r.Notices.Select(n => (IReadOnlyList<string>)[RecipientName(n.Recipient, l), n.Party, l.Time(n.NotifiedAt, zone), n.Channel,
                    n.Reference ?? "—"]).ToList()));
        }

        sections.Add(new(l.Pick("审核记录", "Reviews"), [l.Pick("时间", "When"), l.Pick("结论", "Decision"), l.Pick("意见", "Comment"), l.Pick("审核人", "By")],
            r.Reviews.Select(v => (IReadOnlyList<string>)[l.Time(v.At, zone), v.Accepted ? l.Pick("确认", "accepted") : l.Pick("退回", "returned"),
                v.Comment ?? "—", v.By.Name]).ToList()));
        return sections;
    }

    public static string Html(Report r, long version, DateTimeOffset now, PrintLanguage l, TimeZoneInfo zone)
    {
        var html = new StringBuilder();
        var title = Title(r, l);
        html.Append("<!DOCTYPE html><html lang=\"").Append(l.Tag).Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(title)).Append(' ').Append(E(r.Facts.Title)).Append("</title><style>body{font-family:sans-serif;margin:2em}")
            .Append("table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:4px 8px;text-align:left}")
            .Append(".late{color:#b00}</style></head><body><h1>").Append(E(title)).Append("</h1>");
        foreach (var section in Sections(r, version, now, l, zone))
        {
            html.Append("<h2>").Append(E(section.Heading)).Append("</h2><table>");
            if (section.Headers is { } headers)
            {
                html.Append("<tr>");
                foreach (var h in headers)
                {
                    html.Append("<th>").Append(E(h)).Append("</th>");
                }

                html.Append("</tr>");
            }

            foreach (var row in section.Rows)
            {
                html.Append("<tr>");
                for (var i = 0; i < row.Count; i++)
                {
                    var tag = section.Headers is null && i == 0 && row.Count > 1 ? "th" : "td";
                    html.Append('<').Append(tag).Append('>').Append(E(row[i])).Append("</").Append(tag).Append('>');
                }

                html.Append("</tr>");
            }

            if (section.Rows.Count == 0)
            {
                html.Append("<tr><td>").Append(E(l.Pick("无", "none"))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }

    public static string Markdown(Report r, long version, DateTimeOffset now, PrintLanguage l, TimeZoneInfo zone)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(M(Title(r, l))).Append('\n');
        foreach (var section in Sections(r, version, now, l, zone))
        {
            md.Append("\n## ").Append(M(section.Heading)).Append("\n\n");
            var headers = section.Headers ?? (section.Rows.FirstOrDefault()?.Count == 2 ? [l.Pick("项目", "Item"), l.Pick("内容", "Value")] : [l.Pick("内容", "Value")]);
            md.Append("| ").Append(string.Join(" | ", headers.Select(M))).Append(" |\n|").Append(string.Concat(headers.Select(_ => " --- |"))).Append('\n');
            foreach (var row in section.Rows)
            {
                md.Append("| ").Append(string.Join(" | ", row.Select(M))).Append(" |\n");
            }

            if (section.Rows.Count == 0)
            {
                md.Append("| ").Append(M(l.Pick("无", "none"))).Append(string.Concat(headers.Skip(1).Select(_ => " |"))).Append(" |\n");
            }
        }

        return md.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// Markdown text that stays text: angle brackets and ampersands as HTML entities (no raw HTML), every character with a
    /// Markdown meaning backslash-escaped (no links, emphasis, code, tables), line breaks folded into spaces.
    /// </summary>
    public static string M(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '\r' or '\n': escaped.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '-' or '.' or '!' or '|' or '~' or '"' or '\'' or ':':
                    escaped.Append('\\').Append(c);
                    break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    private static string ClassName(IncidentClass c, PrintLanguage l) => c switch
    {
        IncidentClass.Outage => l.Pick("宕机", "outage"),
        IncidentClass.Fault => l.Pick("故障", "fault"),
        IncidentClass.MajorEvent => l.Pick("重大事件", "major event"),
        _ => l.Pick("安全事件", "security event"),
    };

    public static string StatusName(ReportStatus s, PrintLanguage l) => s switch
    {
        ReportStatus.Draft => l.Pick("草稿", "draft"),
        ReportStatus.Submitted => l.Pick("已提交", "submitted"),
        ReportStatus.Returned => l.Pick("已退回", "returned"),
        _ => l.Pick("已确认", "accepted"),
    };

    public static string GradeName(SecurityGrade g, PrintLanguage l) => g switch
    {
        SecurityGrade.ParticularlyMajor => l.Pick("特别重大（I级）", "particularly major (level I)"),
        SecurityGrade.Major => l.Pick("重大（II级）", "major (level II)"),
        SecurityGrade.Larger => l.Pick("较大（III级）", "larger (level III)"),
        _ => l.Pick("一般（IV级）", "general (level IV)"),
    };

    private static string StageName(SlaStage s, PrintLanguage l) => s switch
    {
        SlaStage.Acknowledge => l.Pick("响应", "acknowledge"),
        SlaStage.OnSite => l.Pick("到场", "on site"),
        SlaStage.Restore => l.Pick("恢复", "restore"),
        _ => l.Pick("解决", "resolve"),
    };

    private static string CauseName(CauseCategory c, PrintLanguage l) => c switch
    {
        CauseCategory.Hardware => l.Pick("硬件", "hardware"),
        CauseCategory.Software => l.Pick("软件", "software"),
        CauseCategory.Network => l.Pick("网络", "network"),
        CauseCategory.Configuration => l.Pick("配置", "configuration"),
        CauseCategory.Capacity => l.Pick("容量", "capacity"),
        CauseCategory.Security => l.Pick("安全", "security"),
        CauseCategory.ThirdParty => l.Pick("第三方", "third party"),
        CauseCategory.HumanError => l.Pick("人为失误", "human error"),
        CauseCategory.Unknown => l.Pick("未知", "unknown"),
        _ => l.Pick("其他", "other"),
    };

    private static string RecipientName(NoticeRecipient r, PrintLanguage l) =>
        r == NoticeRecipient.Purchaser ? l.Pick("采购人", "purchaser") : l.Pick("监管部门", "regulator");

    private static string NoticeStatusName(NoticeStatus s, PrintLanguage l) => s switch
    {
        NoticeStatus.Pending => l.Pick("待通报", "pending"),
        NoticeStatus.Warning => l.Pick("即将超时", "warning"),
        NoticeStatus.Breached => l.Pick("已超时", "breached"),
        NoticeStatus.Met => l.Pick("按时通报", "met"),
        _ => l.Pick("逾期通报", "met late"),
    };
}
