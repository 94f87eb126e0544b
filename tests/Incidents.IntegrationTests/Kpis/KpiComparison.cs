using System.Text.Json;
using System.Text.Json.Nodes;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>Compares a KPI answer of the fast paths with the complete in-memory computation (<c>evidence=all</c>).</summary>
internal static class KpiComparison
{
    /// <summary>Deep equality: numbers within 1e-9 (relative), id lists equal to the first <paramref name="limit"/> of the complete ones.</summary>
    public static void Same(JsonNode? fast, JsonNode? complete, int limit, string path)
    {
        switch (fast, complete)
        {
            case (null, null):
                return;
            case (JsonArray f, JsonArray c):
                var expected = c.Count > limit && c.All(IsGuid) ? c.Take(limit).ToList() : c.ToList();
                f.Count.ShouldBe(expected.Count, path);
                for (var i = 0; i < f.Count; i++)
                {
                    Same(f[i], expected[i], limit, $"{path}[{i}]");
                }

                return;
            case (JsonObject f, JsonObject c):
                f.Select(p => p.Key).ShouldBe(c.Select(p => p.Key), path);
                foreach (var (key, value) in f)
                {
                    Same(value, c[key], limit, $"{path}.{key}");
                }

                return;
            case (JsonValue f, JsonValue c) when f.GetValueKind() == JsonValueKind.Number && c.GetValueKind() == JsonValueKind.Number
                                                 && (path.EndsWith("p50Seconds", StringComparison.Ordinal) || path.EndsWith("p90Seconds", StringComparison.Ordinal)):
                // A year's percentiles come from histograms: the exact value rounded down to three significant figures
                // (whole seconds below 100 s).
                var (p, exact) = (f.GetValue<double>(), c.GetValue<double>());
                p.ShouldBeLessThanOrEqualTo(exact + 1e-9, path);
                (exact - p).ShouldBeLessThan(Math.Max(1, 0.01 * exact) + 1e-9, path);
                return;
            case (JsonValue f, JsonValue c) when f.GetValueKind() == JsonValueKind.Number && c.GetValueKind() == JsonValueKind.Number:
                var (x, y) = (f.GetValue<double>(), c.GetValue<double>());
                Math.Abs(x - y).ShouldBeLessThanOrEqualTo(1e-9 * Math.Max(1, Math.Abs(y)), path);
                return;
            default:
                fast!.ToJsonString().ShouldBe(complete?.ToJsonString(), path);
                return;
        }
    }

    private static bool IsGuid(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String && Guid.TryParse(v.GetValue<string>(), out _);
}
