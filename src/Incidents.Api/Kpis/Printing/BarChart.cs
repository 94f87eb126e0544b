using System.Globalization;
using System.Text;

namespace Incidents.Api.Kpis.Printing;

/// <summary>
/// A bar chart as inline SVG that prints: a y axis with ticks and labels, an x axis with each bar's label, and each bar's
/// value written above it as text (no tooltips). The width follows the number of bars and the longest label.
/// </summary>
public static class BarChart
{
    public static string Render(IReadOnlyList<(string Label, double Value)> bars, string title, Func<double, string> valueLabel,
        double? max = null)
    {
        const int plotHeight = 160, top = 24, bottom = 28, left = 48, right = 12, charWidth = 7;
        var longest = bars.Count == 0 ? 1 : bars.Max(b => Math.Max(Width(b.Label), Width(valueLabel(b.Value))));
        var slot = Math.Max(22, longest * charWidth + 8);
        var width = left + Math.Max(1, bars.Count) * slot + right;
        var scale = max ?? NiceMax(bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{top + plotHeight + bottom}\" aria-label=\"{PrintLanguage.E(title)}\" font-size=\"11\">");
        // Axes, ticks and tick labels.
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{width - right}\" y2=\"{top + plotHeight}\" stroke=\"#333\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var value = scale * i / 4;
            var y = top + plotHeight - plotHeight * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{left - 4}\" y1=\"{y:0.##}\" x2=\"{left}\" y2=\"{y:0.##}\" stroke=\"#333\"/><text x=\"{left - 6}\" y=\"{y + 4:0.##}\" text-anchor=\"end\">{PrintLanguage.E(valueLabel(value))}</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var (label, v) = bars[i];
            var h = scale <= 0 ? 0 : Math.Min(1, v / scale) * plotHeight;
            var x = left + i * slot + 4;
            var barWidth = slot - 8;
            var center = x + barWidth / 2.0;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x}\" y=\"{top + plotHeight - h:0.##}\" width=\"{barWidth}\" height=\"{h:0.##}\" fill=\"#4a78b5\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"value\" x=\"{center:0.##}\" y=\"{top + plotHeight - h - 4:0.##}\" text-anchor=\"middle\">{PrintLanguage.E(valueLabel(v))}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"label\" x=\"{center:0.##}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">{PrintLanguage.E(label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Display width in Latin characters (a CJK character counts two).</summary>
    private static int Width(string text) => text.Sum(c => c > 0x2E80 ? 2 : 1);

    /// <summary>A top of scale that four ticks divide evenly: 4, 8, 12, ... (counts), or the value itself when given.</summary>
    private static double NiceMax(double max) => max <= 4 ? 4 : Math.Ceiling(max / 4) * 4;
}
