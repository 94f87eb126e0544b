using System.Globalization;
using System.Net;
using System.Text;
using Incidents.Api.Http;

namespace Incidents.Api.Kpis;

/// <summary>The monthly report as one printable HTML page; charts are inline SVG (no scripts, no external resources).</summary>
public static class MonthlyReportHtml
{
    public static string Render(MonthlyReport r)
    {
        var f = r.Kpis.Figures;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Monthly service report ")
            .Append(E(r.Month)).Append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
            .Append("td,th{border:1px solid #999;padding:4px 8px;text-align:left}.miss{color:#b00}@media print{a{color:inherit}}</style></head><body>");
        html.Append("<h1>Monthly service report ").Append(E(r.Month)).Append("</h1>");
        html.Append("<p>Time zone ").Append(E(r.TimeZone)).Append("; figures as of ").Append(E(r.Kpis.AsOf.ToString("O", CultureInfo.InvariantCulture)))
            .Append(" at event-store position ").Append(r.Kpis.Position).Append(". Due ")
            .Append(r.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(r.DueDateProvisional ? " (provisional calendar)" : "")
            .Append(r.Issued.Count == 0 ? "; not issued yet." : $"; issued {r.Issued[0].At:yyyy-MM-dd HH:mm} UTC by {E(r.Issued[0].By)}, {(r.Issued[0].OnTime ? "on time" : "late")}.")
            .Append("</p>");

        html.Append("<h2>KPIs against contract targets</h2><table><tr><th>Figure</th><th>Value</th><th>Target</th><th>Met</th><th>Clause</th></tr>");
        foreach (var t in r.Targets)
        {
            html.Append("<tr").Append(t.Met == false ? " class=\"miss\"" : "").Append("><td>").Append(E(t.Figure)).Append("</td><td>")
                .Append(Pct(t.Value)).Append("</td><td>").Append(Pct(t.Target)).Append("</td><td>")
                .Append(t.Met is null ? "n/a" : t.Met.Value ? "yes" : "no").Append("</td><td>").Append(E(t.Clause)).Append("</td></tr>");
        }

        html.Append("</table><p>Incidents: ").Append(f.Incidents).Append(" (cancelled ").Append(f.Cancelled)
            .Append("). Outage time ").Append(f.Availability.OutageSeconds.ToString("0", CultureInfo.InvariantCulture))
            .Append(" s; remaining 99.99% downtime budget ").Append(f.Availability.RemainingBudgetSeconds.ToString("0", CultureInfo.InvariantCulture))
            .Append(" s.</p>");
        // Issue #12: time to detect (report minus occurred-at) beside time to acknowledge.
        html.Append("<p>Mean time to detect ").Append(Min(r.TimeToDetect?.MeanSeconds)).Append(" (report minus occurred-at, ")
            .Append(r.TimeToDetect?.Count ?? 0).Append(" incidents); mean time to acknowledge ").Append(Min(f.TimeToAcknowledge.MeanSeconds)).Append(".</p>");

        html.Append("<h2>Incidents per day</h2>").Append(Bars(r.Kpis.Buckets.Select(b => (b.Period[^2..], (double)b.Incidents)).ToList(), "incidents"));
        html.Append("<h2>SLA attainment per stage</h2>")
            .Append(Bars(f.SlaAttainment.Select(s => (QueryValues.Name(s.Stage), (s.Rate ?? 0) * 100)).ToList(), "%", 100));

        html.Append("<h2>Outages</h2><table><tr><th>Incident</th><th>System</th><th>Reported</th><th>Restored</th><th>Time to restore</th></tr>");
        foreach (var o in r.Outages)
        {
            html.Append("<tr><td>").Append(E(o.Title)).Append(" (").Append(o.IncidentId).Append(")</td><td>").Append(E(o.AffectedSystem))
                .Append("</td><td>").Append(Time(o.ReportedAt)).Append("</td><td>").Append(o.RestoredAt is { } at ? Time(at) : "not restored")
                .Append("</td><td>").Append(o.TimeToRestoreSeconds is { } s ? (s / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min" : "")
                .Append("</td></tr>");
        }

        html.Append("</table><h2>Breaches</h2><table><tr><th>Incident</th><th>Stage</th><th>Due</th><th>Reason</th></tr>");
        foreach (var b in r.Breaches)
        {
            html.Append("<tr><td>").Append(E(b.Title)).Append(" (").Append(b.IncidentId).Append(")</td><td>").Append(QueryValues.Name(b.Stage))
                .Append("</td><td>").Append(Time(b.DueAt)).Append("</td><td>").Append(E(b.Reason)).Append("</td></tr>");
        }

        html.Append("</table><h2>Drills held</h2><table><tr><th>Drill incident</th><th>Kind</th><th>System</th><th>Reported</th></tr>");
        foreach (var d in r.Drills)
        {
            html.Append("<tr><td>").Append(E(d.Title)).Append(" (").Append(d.IncidentId).Append(")</td><td>")
                .Append(d.Kind is { } kind ? QueryValues.Name(kind) : "").Append("</td><td>").Append(E(d.AffectedSystem))
                .Append("</td><td>").Append(Time(d.ReportedAt)).Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }

    /// <summary>A bar chart as inline SVG, one labelled bar per value.</summary>
    public static string Bars(IReadOnlyList<(string Label, double Value)> bars, string unit, double? max = null)
    {
        const int height = 160, barWidth = 18, gap = 4, top = 20, bottom = 20;
        var scale = max ?? Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        var width = Math.Max(1, bars.Count) * (barWidth + gap) + gap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{Math.Max(width, 120)}\" height=\"{height + top + bottom}\" aria-label=\"{E(unit)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var h = bars[i].Value / scale * height;
            var x = gap + i * (barWidth + gap);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x}\" y=\"{top + height - h:0.##}\" width=\"{barWidth}\" height=\"{h:0.##}\" fill=\"#4a78b5\"><title>{E(bars[i].Label)}: {bars[i].Value:0.##} {E(unit)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 14}\" font-size=\"9\" text-anchor=\"middle\">{E(bars[i].Label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Pct(double? value) => value is { } v ? (v * 100).ToString("0.####", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Min(double? seconds) =>
        seconds is { } s ? (s / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min" : "n/a";
}
