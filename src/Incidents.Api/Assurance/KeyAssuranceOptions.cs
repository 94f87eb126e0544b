using Incidents.Api.Configuration;
using Incidents.Api.Escalation;
using Incidents.Api.Sla;
using Incidents.Domain.Assurance;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Assurance;

/// <summary>The resource-adjustment clock as configured: an ISO 8601 target (default PT2H) and warning fractions.</summary>
public sealed class ResourceAdjustmentOptions
{
    public string? Target { get; set; }

    public List<double>? WarningFractions { get; set; }

    public ResourceAdjustmentPolicy ToPolicy() => new(
        Target is { Length: > 0 } target
            ? PolicyValues.Duration(target, $"{KeyAssuranceOptions.Section}:ResourceAdjustment:Target")
            : ResourceAdjustmentPolicy.ContractDefault.Target,
        WarningFractions ?? [.. ResourceAdjustmentPolicy.ContractDefault.WarningFractions]);
}

/// <summary>
/// Configuration section <c>KeyAssurance</c> (docs/assurance.md): the systems periods may name (absent: any well-formed
/// name), the tighter policy for in-scope incidents during an active period (<c>Policy:Sla</c> in the shape of
/// <c>Sla:Policy</c>, <c>Policy:Escalation</c> in the shape of <c>Escalation:Policy</c>; absent: <see cref="KeyAssurancePolicy.Default"/>)
/// and the resource-adjustment clock. All checked at start-up.
/// </summary>
public sealed class KeyAssuranceOptions
{
    public const string Section = "KeyAssurance";

    public List<string>? Systems { get; set; }

    /// <summary>How many key-assurance periods a year the contract pays for (2.1 item 18; 2.2.10 item 1): four.</summary>
    public int RequiredPerYear { get; set; } = 4;

    public KeyAssurancePolicyOptions Policy { get; set; } = new();

    public ResourceAdjustmentOptions ResourceAdjustment { get; set; } = new();

    public KeyAssuranceRules Rules() => new(
        (Systems ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToList(), KeyAssuranceRules.DefaultMaxLength);
}

public sealed class KeyAssurancePolicyOptions
{
    public SlaPolicyOptions Sla { get; set; } = new();

    public EscalationPolicyOptions Escalation { get; set; } = new();

    public KeyAssurancePolicy ToPolicy() => new(
        Sla.IsConfigured ? Sla.ToPolicy() : KeyAssurancePolicy.Default.Sla,
        Escalation.None || Escalation.Chains is { Count: > 0 } ? Escalation.ToPolicy() : KeyAssurancePolicy.Default.Escalation);
}

/// <summary>The key-assurance settings in force, read once (a change needs a restart, like the other policies).</summary>
public sealed class KeyAssuranceSettings(IOptions<KeyAssuranceOptions> options)
{
    public KeyAssurancePolicy Policy { get; } = options.Value.Policy.ToPolicy();

    public ResourceAdjustmentPolicy ResourceAdjustment { get; } = options.Value.ResourceAdjustment.ToPolicy();

    public KeyAssuranceRules Rules { get; } = options.Value.Rules();

    public int RequiredPerYear { get; } = options.Value.RequiredPerYear;
}

/// <summary>Checks the section at start-up: a policy that does not make sense stops the service with a message naming it.</summary>
public sealed class KeyAssuranceOptionsValidator : IValidateOptions<KeyAssuranceOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyAssuranceOptions options) => PolicyValues.Check(KeyAssuranceOptions.Section, () =>
    {
        var problems = new List<string>();
        if (options.RequiredPerYear is < 0 or > 366)
        {
            problems.Add($"RequiredPerYear must be 0 to 366 (is {options.RequiredPerYear}).");
        }

        problems.AddRange(options.Policy.ToPolicy().Problems().Select(p => $"Policy: {p}"));
        problems.AddRange(options.ResourceAdjustment.ToPolicy().Problems().Select(p => $"ResourceAdjustment: {p}"));
        problems.AddRange((options.Systems ?? []).Where(s => !KeyAssuranceSystems.IsWellFormed(s))
            .Select(s => $"Systems: '{s}' is not a system name (lower-case letters, digits and hyphens, at most 100)."));
        return problems;
    });
}

/// <summary>What a system name in a period's scope looks like: the form incidents name their affected system in.</summary>
public static class KeyAssuranceSystems
{
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,99}$";

    private static readonly System.Text.RegularExpressions.Regex Form = new(Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static bool IsWellFormed(string? system) => system is not null && Form.IsMatch(system);
}

/// <summary>Registration of the key-assurance feature: one call in Program.cs.</summary>
public static class KeyAssuranceRegistration
{
    public static IServiceCollection AddKeyAssurance(this IServiceCollection services)
    {
        services.AddOptions<KeyAssuranceOptions>().BindConfiguration(KeyAssuranceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyAssuranceOptions>, KeyAssuranceOptionsValidator>();
        services.AddSingleton<KeyAssuranceSettings>();
        services.AddSingleton<KeyAssuranceScope>();
        // The duty feature's rosters (docs/assurance.md, "Rosters"); a host may register another before this call.
        services.TryAddSingleton<IKeyAssuranceRosters, DutyKeyAssuranceRosters>();
        return services;
    }
}
