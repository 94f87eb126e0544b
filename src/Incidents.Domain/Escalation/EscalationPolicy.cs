using Incidents.Domain.Incidents;

namespace Incidents.Domain.Escalation;

/// <summary>
/// One level of an escalation chain: who is paged (keys of the notification worker's recipient directory) and how long
/// the chain waits for an acknowledgement before it moves on to the next level (or, after the last level, starts the
/// next round).
/// </summary>
public sealed record EscalationLevel(string Name, IReadOnlyList<string> Recipients, TimeSpan Wait);

/// <summary>
/// The chain for one incident class: ordered levels and how many times the whole chain runs again from level 1 when
/// nobody acknowledges (PagerDuty's "repeat this policy N times").
/// </summary>
public sealed record EscalationChain(IncidentClass Class, IReadOnlyList<EscalationLevel> Levels, int Repeats)
{
    /// <summary>Who is on duty (people directory and rosters) when a level is raised; null: recipients are worker keys as configured.</summary>
    public global::Incidents.Domain.Duty.OnCall.IDutyResolver? Duty { get; init; }
}

/// <summary>
/// Escalation chains per incident class. A class without a chain is not escalated (its notifications still follow the
/// worker's rules). The policy is read when a level is raised; what was raised, to whom, and when the next level falls
/// due are recorded in the incident's stream (<see cref="EscalationLevelRaised"/>).
/// </summary>
public sealed record EscalationPolicy(IReadOnlyList<EscalationChain> Chains)
{
    public static EscalationPolicy None { get; } = new([]);

    /// <summary>
    /// The service contract's chains (requirements 2.2.6: duty engineer first, then the project manager, then the
    /// security lead and the purchaser's contact). The first wait of each class equals its acknowledge target.
    /// </summary>
    public static EscalationPolicy ContractDefault { get; } = new(
    [
        new EscalationChain(IncidentClass.Outage,
        [
            new EscalationLevel("duty engineer", ["duty-engineer"], TimeSpan.FromMinutes(5)),
            new EscalationLevel("project manager", ["project-manager"], TimeSpan.FromMinutes(10)),
            new EscalationLevel("management and purchaser", ["project-manager", "security-lead", "purchaser-contact"], TimeSpan.FromMinutes(15)),
        ], 2),
        new EscalationChain(IncidentClass.MajorEvent,
        [
            new EscalationLevel("duty engineer", ["duty-engineer"], TimeSpan.FromMinutes(1)),
            new EscalationLevel("project manager", ["project-manager"], TimeSpan.FromMinutes(5)),
            new EscalationLevel("management and purchaser", ["project-manager", "security-lead", "purchaser-contact"], TimeSpan.FromMinutes(10)),
        ], 3),
        new EscalationChain(IncidentClass.Fault,
        [
            new EscalationLevel("duty engineer", ["duty-engineer"], TimeSpan.FromMinutes(5)),
            new EscalationLevel("project manager", ["project-manager"], TimeSpan.FromMinutes(30)),
        ], 1),
        new EscalationChain(IncidentClass.SecurityEvent,
        [
            new EscalationLevel("duty engineer and security lead", ["duty-engineer", "security-lead"], TimeSpan.FromMinutes(5)),
            new EscalationLevel("project manager", ["project-manager", "security-lead"], TimeSpan.FromMinutes(10)),
            new EscalationLevel("purchaser", ["project-manager", "security-lead", "purchaser-contact"], TimeSpan.FromMinutes(15)),
        ], 2),
    ]);

    /// <summary>
    /// Resolves each raised level's targets (roles, rosters) to the people on duty at that instant (docs/oncall.md); null
    /// keeps the targets as keys of the worker's configured directory.
    /// </summary>
    public global::Incidents.Domain.Duty.OnCall.IDutyResolver? Duty { get; init; }

    public EscalationChain? For(IncidentClass incidentClass) =>
        Chains.FirstOrDefault(c => c.Class == incidentClass) is { Levels.Count: > 0 } chain
            ? Duty is null ? chain : chain with { Duty = Duty }
            : null;

    /// <summary>Everything wrong with this policy, in words an operator can act on; empty when it is sound.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var group in Chains.GroupBy(c => c.Class).Where(g => g.Count() > 1))
        {
            problems.Add($"Class {group.Key} has {group.Count()} chains; give it one.");
        }

        foreach (var chain in Chains)
        {
            if (chain.Levels.Count == 0)
            {
                problems.Add($"The chain of class {chain.Class} has no levels.");
            }

            if (chain.Repeats is < 0 or > 10)
            {
                problems.Add($"The chain of class {chain.Class} repeats {chain.Repeats} times; use 0 to 10.");
            }

            for (var i = 0; i < chain.Levels.Count; i++)
            {
                var level = chain.Levels[i];
                var where = $"Level {i + 1} of class {chain.Class}";
                if (string.IsNullOrWhiteSpace(level.Name))
                {
                    problems.Add($"{where} needs a name.");
                }

                if (level.Recipients.Count == 0 || level.Recipients.Any(string.IsNullOrWhiteSpace))
                {
                    problems.Add($"{where} needs at least one recipient, none blank.");
                }

                if (level.Wait < TimeSpan.FromSeconds(1))
                {
                    problems.Add($"{where} waits {level.Wait}; the wait before the next level must be at least one second.");
                }
            }
        }

        return problems;
    }
}
