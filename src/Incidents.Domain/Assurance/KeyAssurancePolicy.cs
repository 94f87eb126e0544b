using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Assurance;

/// <summary>
/// The tighter policy for incidents reported, on a system in scope, while a key-assurance period is active: SLA targets
/// and escalation chains, both pinned on the incident at its report (the SLA policy on <see cref="IncidentReported"/> as
/// always, the chains on <see cref="IncidentUnderKeyAssurance"/>), so ending the period or changing the configuration
/// never rewrites an incident's clock.
/// </summary>
public sealed record KeyAssurancePolicy(SlaPolicy Sla, EscalationPolicy Escalation)
{
    /// <summary>
    /// The default: the contract's response clock made tighter for the watch the contract asks for (2.2.10 item 1, "real-time
    /// watch"): every class acknowledged within 1 minute (the contract's major-event target), people on site within 30 minutes,
    /// service restored within 2 hours (the resource-adjustment bound of 2.2.6 standard 3); the same chains with shorter waits.
    /// The contract names no number for this: docs/assurance.md says so, and configuration may change it.
    /// </summary>
    public static KeyAssurancePolicy Default { get; } = new(
        new SlaPolicy(
            "key-assurance-2026",
            1,
            [
                new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)),
                new SlaClassTargets(IncidentClass.MajorEvent, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)),
                new SlaClassTargets(IncidentClass.Fault, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), null),
                new SlaClassTargets(IncidentClass.SecurityEvent, TimeSpan.FromMinutes(1), null, null),
            ],
            [0.5, 0.8]),
        new EscalationPolicy(EscalationPolicy.ContractDefault.Chains.Select(chain => chain with
        {
            Levels = chain.Levels.Select((level, i) => level with { Wait = i == 0 ? TimeSpan.FromMinutes(1) : level.Wait / 2 }).ToList(),
        }).ToList()));

    /// <summary>Everything wrong with this policy, in words an operator can act on; empty when it is sound.</summary>
    public IReadOnlyList<string> Problems() =>
        [.. Sla.Problems().Select(p => $"SLA: {p}"), .. Escalation.Problems().Select(p => $"Escalation: {p}")];
}

/// <summary>
/// The incident was reported on a system in scope of an active key-assurance period: it is held to that period's tighter
/// policy. <see cref="Escalation"/> is the snapshot of the chains its escalation follows (the SLA policy snapshot is on
/// <see cref="IncidentReported"/>). Recorded in the report's own append, right after <see cref="IncidentReported"/>.
/// A notice: it changes no step anyone takes, so the incident's change version (its ETag) stays the report's.
/// </summary>
public sealed record IncidentUnderKeyAssurance(
    Guid IncidentId,
    Guid PeriodId,
    string PeriodName,
    KeyAssuranceKind Kind,
    EscalationPolicy Escalation,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;

/// <summary>How a report meets the key-assurance periods: which policies it is reported under, and what to record.</summary>
public static class KeyAssuranceReporting
{
    /// <summary>
    /// The report's events with <see cref="IncidentUnderKeyAssurance"/> after the first (the report) when it falls under
    /// <paramref name="period"/>; unchanged otherwise.
    /// </summary>
    public static IReadOnlyList<object> Pin(IReadOnlyList<object> reported, KeyAssurancePeriod? period, KeyAssurancePolicy policy)
    {
        if (period is null || reported is not [IncidentReported report, ..])
        {
            return reported;
        }

        return [report, new IncidentUnderKeyAssurance(report.IncidentId, period.Id, period.Name, period.Kind, policy.Escalation, report.By, report.At),
            .. reported.Skip(1)];
    }
}
