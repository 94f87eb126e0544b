using System.Globalization;

namespace Incidents.IntegrationTests.Telemetry;

/// <summary>Reads the Prometheus text format the way a query would: a metric's samples selected by some of their labels.</summary>
public static class Exposition
{
    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static double Sum(string text, string metric, params (string Name, string Value)[] labels) =>
        Samples(text, metric, labels).Sum();

    /// <summary>True when the scrape has at least one sample of the metric with these labels.</summary>
    public static bool Has(string text, string metric, params (string Name, string Value)[] labels) =>
        Samples(text, metric, labels).Any();

    private static IEnumerable<double> Samples(string text, string metric, (string Name, string Value)[] labels) =>
        text.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => LabelsOf(line).Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));

    private static string LabelsOf(string line) => line.Contains('{') ? line[line.IndexOf('{')..(line.LastIndexOf('}') + 1)] : "";
}
