using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Kpis;

/// <summary>
/// The facts about one incident that every KPI is computed from, folded from its events alone (<see cref="Evolve"/>):
/// first acknowledgement, first arrival on site, first restoration, last resolution, last close with its rating,
/// cancellation, and the SLA clock (judged by <see cref="SlaClock.Evaluate(SlaClockState, DateTimeOffset)"/>).
/// </summary>
public sealed record KpiFacts(
    Guid IncidentId,
    string Title,
    string AffectedSystem,
    IncidentClass Class,
    bool IsDrill,
    Guid? DrillId,
    DateTimeOffset ReportedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? OnSiteAt,
    DateTimeOffset? RestoredAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    int? Satisfaction,
    DateTimeOffset? CancelledAt,
    SlaClockState Clock)
{
    public static KpiFacts? Evolve(KpiFacts? facts, object @event)
    {
        var clock = SlaClock.Evolve(facts?.Clock, @event);
        if (clock is null)
        {
            return facts;
        }

        return (facts, @event) switch
        {
            (_, IncidentReported e) => new KpiFacts(e.IncidentId, e.Title, e.AffectedSystem, e.Class, e.IsDrill, e.DrillId, e.At,
                null, null, null, null, null, null, null, clock) { OccurredAt = e.OccurredAt },
            (null, _) => null,
            (var f, IncidentReclassified e) => f with { Class = e.To, Clock = clock },
            (var f, IncidentAcknowledged e) => f with { AcknowledgedAt = f.AcknowledgedAt ?? e.At, Clock = clock },
            (var f, ResponderArrivedOnSite e) => f with { OnSiteAt = f.OnSiteAt ?? e.At, Clock = clock },
            (var f, ServiceRestored e) => f with { RestoredAt = f.RestoredAt ?? e.At, Clock = clock },
            (var f, IncidentResolved e) => f with { ResolvedAt = e.At, Clock = clock },
            (var f, IncidentClosed e) => f with { ClosedAt = e.At, Satisfaction = e.Satisfaction, Clock = clock },
            (var f, IncidentReopened) => f with { ClosedAt = null, Satisfaction = null, ResolvedAt = null, Clock = clock },
            (var f, IncidentCancelled e) => f with { CancelledAt = f.CancelledAt ?? e.At, Clock = clock },
            (var f, _) => f with { Clock = clock },
        };
    }

    /// <summary>When the failure began, if known (issue #12): availability counts the outage from here, the SLA from the report.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>When the service went down as availability counts it: the occurred-at if known, else the report.</summary>
    public DateTimeOffset DownFrom => OccurredAt ?? ReportedAt;

    public static KpiFacts? From(IEnumerable<object> events) => events.Aggregate((KpiFacts?)null, Evolve);

    /// <summary>Outages and major events take the affected system down from the report until the restoration.</summary>
    public bool IsOutage => Class is IncidentClass.Outage or IncidentClass.MajorEvent;
}
