using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Kpis;

/// <summary>
/// One row per incident with the facts every KPI is computed from (<see cref="KpiFacts"/>), plus the indexed columns a
/// period query filters by. Inline: the row is written in the same transaction as the event, so KPIs read right after a
/// step already include it, and a report's figures depend only on what was committed (no asynchronous daemon lag).
/// </summary>
public sealed class IncidentKpiFacts
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public KpiFacts? Facts { get; set; }

    public DateTimeOffset ReportedAt { get; set; }

    public IncidentClass Class { get; set; }

    public string AffectedSystem { get; set; } = "";

    public bool IsDrill { get; set; }

    /// <summary>An outage or major event (counts toward downtime), not cancelled.</summary>
    public bool IsOutage { get; set; }

    /// <summary>When the service came back (null while still down).</summary>
    public DateTimeOffset? RestoredAt { get; set; }
}

public sealed class IncidentKpiFactsProjection : SingleStreamProjection<IncidentKpiFacts, Guid>
{
    public override IncidentKpiFacts? Evolve(IncidentKpiFacts? snapshot, Guid id, IEvent e)
    {
        var facts = KpiFacts.Evolve(snapshot?.Facts, e.Data);
        if (facts is null)
        {
            return snapshot;
        }

        var row = snapshot ?? new IncidentKpiFacts { Id = id };
        row.Version = e.Version;
        row.Facts = facts;
        row.ReportedAt = facts.ReportedAt;
        row.Class = facts.Class;
        row.AffectedSystem = facts.AffectedSystem;
        row.IsDrill = facts.IsDrill;
        row.IsOutage = facts.IsOutage && facts.CancelledAt is null;
        row.RestoredAt = facts.RestoredAt;
        return row;
    }

    public static void Configure(StoreOptions options)
    {
        // The KPI read side depends on the official working-day calendar: load (and validate) it at start-up, so a bad
        // calendar file stops the service with a message instead of failing the first report request.
        _ = global::Incidents.Domain.Calendar.WorkingDayCalendar.Official;
        options.Events.AddEventType<MonthlyReportIssued>();
        options.Projections.Add(new IncidentKpiFactsProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.Schema.For<IncidentKpiFacts>()
            .Duplicate(x => x.ReportedAt)
            .Duplicate(x => x.Class)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.IsDrill)
            .Duplicate(x => x.IsOutage)
            .Duplicate(x => x.RestoredAt);
    }
}
