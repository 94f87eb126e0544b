using Incidents.Domain.Assurance;
using Incidents.Domain.Escalation;
using Incidents.Domain.Sla;
using Marten;

namespace Incidents.Api.Assurance;

/// <summary>
/// The policies a report is made under: the ones in force, or — on a system in scope of an active key-assurance period — the
/// tighter ones (<see cref="KeyAssuranceSettings.Policy"/>), with the period that decided it.
/// </summary>
public sealed record ReportPolicies(KeyAssurancePeriod? Period, SlaPolicy Sla, EscalationPolicy Escalation, KeyAssurancePolicy Tighter)
{
    /// <summary>The report's events, with <see cref="IncidentUnderKeyAssurance"/> recorded after the report when a period applies.</summary>
    public IReadOnlyList<object> Pin(IReadOnlyList<object> reported) => KeyAssuranceReporting.Pin(reported, Period, Tighter);
}

/// <summary>Finds the key-assurance period a report falls under (docs/assurance.md: "The tighter policy").</summary>
public sealed class KeyAssuranceScope(KeyAssuranceSettings settings)
{
    public async Task<ReportPolicies> ForReportAsync(IQuerySession session, string system, bool isDrill, DateTimeOffset now,
        SlaPolicy sla, EscalationPolicy escalation, CancellationToken ct)
    {
        // Drills play the ordinary policy (their scorecards compare against it), whatever period is running.
        var period = isDrill ? null : KeyAssuranceDecider.Covering(await KeyAssuranceStream.ActiveAtAsync(session, now, ct), system, now);
        return period is null
            ? new ReportPolicies(null, sla, escalation, settings.Policy)
            : new ReportPolicies(period, settings.Policy.Sla, settings.Policy.Escalation, settings.Policy);
    }
}
