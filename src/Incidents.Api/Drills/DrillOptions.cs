using System.Text.Json;
using Incidents.Domain.Drills;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Drills;

/// <summary>
/// Configuration section <c>Drills</c>: the systems drills may run on, the default expected duration of a drill, and
/// how many drills of each kind a year the contract asks for (kind in kebab-case). Checked at start-up.
/// </summary>
public sealed class DrillOptions
{
    public const string Section = "Drills";

    public static readonly string[] DefaultSystems =
        ["medical-insurance-settlement", "claims-analysis-portal", "cloud-platform", "data-warehouse"];

    public List<string>? Systems { get; set; }

    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromHours(2);

    public Dictionary<string, int>? MinimumPerYear { get; set; }

    public IReadOnlyList<string> KnownSystems => Systems is { Count: > 0 } configured ? configured : DefaultSystems;

    /// <summary>The yearly minimum per kind: the contract's one cloud-platform emergency drill unless configured otherwise.</summary>
    public IReadOnlyDictionary<DrillKind, int> Minimums()
    {
        var minimums = Enum.GetValues<DrillKind>().ToDictionary(k => k, k => k == DrillKind.CloudPlatformEmergencyDrill ? 1 : 0);
        foreach (var (name, count) in MinimumPerYear ?? [])
        {
            minimums[ParseKind(name) ?? throw new FormatException($"Unknown drill kind '{name}'.")] = count;
        }

        return minimums;
    }

    public static string KindName(DrillKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    public static DrillKind? ParseKind(string name) =>
        Enum.GetValues<DrillKind>().Select(k => (DrillKind?)k).FirstOrDefault(k => KindName(k!.Value) == name.Trim().ToLowerInvariant());
}

public sealed class DrillOptionsValidator : IValidateOptions<DrillOptions>
{
    public ValidateOptionsResult Validate(string? name, DrillOptions options)
    {
        var problems = new List<string>();
        if (options.KnownSystems.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{DrillOptions.Section}:Systems: system names must not be empty.");
        }

        if (options.DefaultDuration <= TimeSpan.Zero)
        {
            problems.Add($"{DrillOptions.Section}:DefaultDuration must be positive.");
        }

        foreach (var (kind, count) in options.MinimumPerYear ?? [])
        {
            if (DrillOptions.ParseKind(kind) is null)
            {
                problems.Add($"{DrillOptions.Section}:MinimumPerYear: unknown drill kind '{kind}' (use "
                    + string.Join(", ", Enum.GetValues<DrillKind>().Select(DrillOptions.KindName)) + ").");
            }

            if (count < 0)
            {
                problems.Add($"{DrillOptions.Section}:MinimumPerYear:{kind} must not be negative.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
