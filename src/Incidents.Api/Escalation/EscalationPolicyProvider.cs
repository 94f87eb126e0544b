using System.Text.Json;
using System.Xml;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Escalation;

/// <summary>The escalation chains in force (configuration <c>Escalation:Policy</c>, validated at start-up).</summary>
public sealed class EscalationPolicyProvider(IOptions<EscalationPolicyOptions> options)
{
    public EscalationPolicy Current { get; } = options.Value.ToPolicy();
}

public sealed class EscalationLevelOptions
{
    public string Name { get; set; } = "";

    /// <summary>Keys of the notification worker's recipient directory (Dispatch:Recipients).</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>ISO 8601 duration (PT5M): how long to wait for an acknowledgement before the next level.</summary>
    public string Wait { get; set; } = "";
}

public sealed class EscalationChainOptions
{
    public string Class { get; set; } = "";

    public int Repeats { get; set; }

    public List<EscalationLevelOptions> Levels { get; set; } = [];
}

/// <summary>
/// Configuration section <c>Escalation:Policy</c>. When absent, the contract's chains apply
/// (<see cref="EscalationPolicy.ContractDefault"/>); <c>None: true</c> turns escalation off (notifications still follow
/// the worker's rules). A chain that does not make sense stops the start-up with a message naming what is wrong.
/// </summary>
public sealed class EscalationPolicyOptions
{
    public const string Section = "Escalation:Policy";

    public bool None { get; set; }

    public List<EscalationChainOptions>? Chains { get; set; }

    public EscalationPolicy ToPolicy()
    {
        if (None)
        {
            return EscalationPolicy.None;
        }

        if (Chains is not { Count: > 0 })
        {
            return EscalationPolicy.ContractDefault;
        }

        return new EscalationPolicy(Chains.Select(c => new EscalationChain(
            ParseClass(c.Class),
            c.Levels.Select(l => new EscalationLevel(l.Name, l.Recipients, Duration(l.Wait, c.Class))).ToList(),
            c.Repeats)).ToList());
    }

    private static IncidentClass ParseClass(string value) =>
        Enum.GetValues<IncidentClass>().FirstOrDefault(c => JsonNamingPolicy.KebabCaseLower.ConvertName(c.ToString()) == value) is var found
        && JsonNamingPolicy.KebabCaseLower.ConvertName(found.ToString()) == value
            ? found
            : throw new FormatException($"Unknown incident class '{value}' (use outage, fault, major-event, security-event).");

    private static TimeSpan Duration(string value, string incidentClass)
    {
        try
        {
            return XmlConvert.ToTimeSpan(value);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{value}' in the chain of class '{incidentClass}' is not an ISO 8601 duration such as PT5M.");
        }
    }
}

/// <summary>Checks the configured chains at start-up.</summary>
public sealed class EscalationPolicyOptionsValidator : IValidateOptions<EscalationPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationPolicyOptions options)
    {
        try
        {
            var problems = options.ToPolicy().Problems();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"{EscalationPolicyOptions.Section}: {p}"));
        }
        catch (FormatException exception)
        {
            return ValidateOptionsResult.Fail($"{EscalationPolicyOptions.Section}: {exception.Message}");
        }
    }
}
