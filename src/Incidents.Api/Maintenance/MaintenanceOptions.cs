using Microsoft.Extensions.Options;

namespace Incidents.Api.Maintenance;

/// <summary>Configuration section <c>Maintenance</c>: how far ahead planned maintenance must be announced.</summary>
public sealed class MaintenanceOptions
{
    public const string Section = "Maintenance";

    /// <summary>The least notice before a window starts (ISO 8601 or hh:mm:ss; default 24 hours).</summary>
    public TimeSpan LeadTime { get; set; } = TimeSpan.FromHours(24);
}

public sealed class MaintenanceOptionsValidator : IValidateOptions<MaintenanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaintenanceOptions options)
    {
        var problems = new List<string>();
        if (options.LeadTime < TimeSpan.Zero || options.LeadTime > TimeSpan.FromDays(90))
        {
            problems.Add($"{MaintenanceOptions.Section}:LeadTime must be between 0 and 90 days (was {options.LeadTime}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
