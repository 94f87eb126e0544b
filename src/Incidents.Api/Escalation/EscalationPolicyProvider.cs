using Incidents.Api.Configuration;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Escalation;

/// <summary>The escalation chains in force (configuration <c>Escalation:Policy</c>, validated at start-up).</summary>
public sealed class EscalationPolicyProvider(IOptions<EscalationPolicyOptions> options)
{
    public EscalationPolicy Current { get; } = options.Value.ToPolicy();

    /// <summary>
    /// The chains with the people directory and the rosters as they are now, so that each level raised names who is on
    /// duty at that instant (docs/oncall.md). An empty directory leaves the targets as the worker's configured keys.
    /// </summary>
    public async Task<EscalationPolicy> WithDutyAsync(Marten.IQuerySession session, CancellationToken ct)
    {
        if (Current.Chains.Count == 0)
        {
            return Current;
        }

        var directory = await Duty.DutyStream.DirectoryAsync(session, ct);
        return directory.IsEmpty ? Current : Current with { Duty = directory };
    }
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
            PolicyValues.Class(c.Class),
            c.Levels.Select(l => new EscalationLevel(l.Name, l.Recipients, PolicyValues.Duration(l.Wait, $"the chain of class '{c.Class}'"))).ToList(),
            c.Repeats)).ToList());
    }
}

/// <summary>Checks the configured chains at start-up.</summary>
public sealed class EscalationPolicyOptionsValidator : IValidateOptions<EscalationPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationPolicyOptions options) =>
        PolicyValues.Check(EscalationPolicyOptions.Section, () => options.ToPolicy().Problems());
}
