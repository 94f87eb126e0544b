using Incidents.Api.Configuration;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Sla;

/// <summary>The SLA policy new incidents are reported under; its snapshot goes onto every IncidentReported.</summary>
public sealed class SlaPolicyProvider(IOptions<SlaPolicyOptions> options)
{
    public SlaPolicy Current { get; } = options.Value.ToPolicy();
}

/// <summary>One class's targets as configured: ISO 8601 durations, empty for "does not apply".</summary>
public sealed class SlaTargetOptions
{
    public string Class { get; set; } = "";

    public string? Acknowledge { get; set; }

    public string? OnSite { get; set; }

    public string? Restore { get; set; }
}

/// <summary>
/// Configuration section <c>Sla:Policy</c>. When absent, the contract's policy applies (<see cref="SlaPolicy.ContractDefault"/>).
/// A policy that does not make sense stops the start-up with a message naming what is wrong.
/// </summary>
public sealed class SlaPolicyOptions
{
    public const string Section = "Sla:Policy";

    public string? Name { get; set; }

    public int Version { get; set; }

    public List<double>? WarningFractions { get; set; }

    /// <summary>A policy without warnings (configuration cannot express an empty list).</summary>
    public bool NoWarnings { get; set; }

    public List<SlaTargetOptions>? Targets { get; set; }

    public bool IsConfigured => Name is not null || Targets is { Count: > 0 };

    public SlaPolicy ToPolicy()
    {
        if (!IsConfigured)
        {
            return SlaPolicy.ContractDefault;
        }

        return new SlaPolicy(
            Name ?? "",
            Version,
            (Targets ?? []).Select(t => new SlaClassTargets(
                PolicyValues.Class(t.Class), Duration(t.Acknowledge, t.Class), Duration(t.OnSite, t.Class), Duration(t.Restore, t.Class))).ToList(),
            NoWarnings ? [] : WarningFractions ?? [0.5, 0.8]);
    }

    private static TimeSpan? Duration(string? value, string incidentClass) =>
        string.IsNullOrWhiteSpace(value) ? null : PolicyValues.Duration(value, $"the targets of class '{incidentClass}'");
}

/// <summary>Checks the configured policy at start-up.</summary>
public sealed class SlaPolicyOptionsValidator : IValidateOptions<SlaPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, SlaPolicyOptions options) =>
        PolicyValues.Check(SlaPolicyOptions.Section, () => options.ToPolicy().Problems());
}
