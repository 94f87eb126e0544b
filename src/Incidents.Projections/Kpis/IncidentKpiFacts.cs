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

    // The narrow typed values the KPI query aggregates in SQL (KpiLine): durations in seconds, instants in UTC ticks,
    // stage states; columns without indexes (they are read in bulk, never searched by).
    public long ReportedTicks { get; set; }

    /// <summary>When availability counts the outage from (occurred-at if known, else the report), UTC ticks; null on rows
    /// written before issue #12, which the outage query reads as the report.</summary>
    public long? DownTicks { get; set; }

    public bool Cancelled { get; set; }

    public double? AcknowledgeSeconds { get; set; }

    public double? OnSiteSeconds { get; set; }

    public double? RestoreSeconds { get; set; }

    public double? ResolveSeconds { get; set; }

    public long? ResolvedTicks { get; set; }

    public long? RestoredTicks { get; set; }

    /// <summary>The satisfaction rating of the last close (null when not closed or closed unrated).</summary>
    public int? Rating { get; set; }

    /// <summary><see cref="KpiStageState"/> of the acknowledge stage, and its due time in ticks while open.</summary>
    public int AcknowledgeState { get; set; }

    public long? AcknowledgeDueTicks { get; set; }

    public int OnSiteState { get; set; }

    public long? OnSiteDueTicks { get; set; }

    public int RestoreState { get; set; }

    public long? RestoreDueTicks { get; set; }

    /// <summary>The local day of the report in the service's time zone, as yyyymmdd (the key of the KPI cells).</summary>
    public int LocalDay { get; set; }

    /// <summary><see cref="KpiLine.SettledTicks"/>: judged at any later instant, the line counts as it will for good.</summary>
    public long SettledTicks { get; set; }

    /// <summary>A major event not acknowledged within a minute of its report (the shortfall of the 1-minute response).</summary>
    public bool SlowMajor { get; set; }
}

public sealed class IncidentKpiFactsProjection(TimeZoneInfo zone) : SingleStreamProjection<IncidentKpiFacts, Guid>
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
        var line = KpiLine.Of(facts);
        row.ReportedTicks = line.ReportedTicks;
        row.DownTicks = facts.DownFrom.UtcTicks;
        row.Cancelled = line.Cancelled;
        row.AcknowledgeSeconds = line.AcknowledgeSeconds;
        row.OnSiteSeconds = line.OnSiteSeconds;
        row.RestoreSeconds = line.RestoreSeconds;
        row.ResolveSeconds = line.ResolveSeconds;
        row.ResolvedTicks = line.ResolvedTicks;
        row.RestoredTicks = line.RestoredTicks;
        row.Rating = line.Rating;
        (row.AcknowledgeState, row.AcknowledgeDueTicks) = ((int)line.Acknowledge.State, line.Acknowledge.DueTicks);
        (row.OnSiteState, row.OnSiteDueTicks) = ((int)line.OnSite.State, line.OnSite.DueTicks);
        (row.RestoreState, row.RestoreDueTicks) = ((int)line.Restore.State, line.Restore.DueTicks);
        var day = KpiPeriod.DayOf(facts.ReportedAt, zone);
        row.LocalDay = day.Year * 10000 + day.Month * 100 + day.Day;
        row.SettledTicks = line.SettledTicks;
        row.SlowMajor = facts.Class == IncidentClass.MajorEvent && !(line.AcknowledgeSeconds <= KpiCalculator.MajorEventResponse.TotalSeconds);
        return row;
    }

    /// <param name="zone">The service's time zone (Kpis:TimeZone): days and months are counted in it. Changing it needs a rebuild
    /// of this projection (the rows and the KPI cells are keyed by local day).</param>
    public static void Configure(StoreOptions options, TimeZoneInfo zone)
    {
        // The KPI read side depends on the official working-day calendar: load (and validate) it at start-up, so a bad
        // calendar file stops the service with a message instead of failing the first report request.
        _ = global::Incidents.Domain.Calendar.WorkingDayCalendar.Official;
        options.Events.AddEventType<MonthlyReportIssued>();
        options.Projections.Add(new IncidentKpiFactsProjection(zone), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.Schema.For<IncidentKpiFacts>()
            .Duplicate(x => x.ReportedAt)
            .Duplicate(x => x.Class)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.IsDrill)
            .Duplicate(x => x.IsOutage)
            .Duplicate(x => x.RestoredAt)
            .Duplicate(x => x.LocalDay)
            // The JSON facts (with the SLA clock) go out of line to TOAST, so the rows the KPI queries read stay narrow.
            .StorageParameter("toast_tuple_target", 128);
        KpiCells.Configure(options);

        // The narrow typed values of the KPI query are duplicated into their own columns, without the index Marten gives every
        // duplicated field: they are read in bulk for a period, never searched by, and each index would cost every write.
        options.Policies.ForAllDocuments(mapping =>
        {
            if (mapping.DocumentType != typeof(IncidentKpiFacts))
            {
                return;
            }

            foreach (var member in NarrowMembers)
            {
                var column = mapping.DuplicateField(member).ColumnName;
                foreach (var index in mapping.Indexes.Where(i => i.Columns is [var only] && only == column).ToList())
                {
                    mapping.Indexes.Remove(index);
                }
            }

            // Partial indexes for the KPI evidence (the first ids of each shortfall, in report order) and the outages behind
            // availability: each holds only the rows it serves.
            foreach (var (name, column, predicate) in EvidenceIndexes)
            {
                mapping.Indexes.Add(new Weasel.Postgresql.Tables.IndexDefinition($"mt_doc_incidentkpifacts_idx_kpi_{name}")
                {
                    // In the order the lists are given (report time, then id), so the first 100 are the first 100 index entries.
                    Columns = name.StartsWith("outages", StringComparison.Ordinal) ? [column] : [column, "reported_ticks", "id"],
                    Predicate = predicate,
                    // The outages, and the open incidents the KPI query adds to the cells, are read whole (narrow rows): from the
                    // index alone once the pages are all-visible.
                    IncludeColumns = name switch
                    {
                        _ when name.StartsWith("outages", StringComparison.Ordinal) =>
                            ["id", "affected_system", "class", "is_drill", "reported_ticks", "restored_ticks", "down_ticks", column == "reported_at" ? "restored_at" : "reported_at"],
                        "unresolved" => KpiCells.OpenIncidentColumns,
                        _ => [],
                    },
                });
            }
        });
    }

    private static readonly (string Name, string Column, string Predicate)[] EvidenceIndexes =
    [
        // Predicates in the simple forms PostgreSQL renders back unchanged (the start-up schema check compares them).
        ("missed_acknowledge", "reported_at", "not cancelled and acknowledge_state >= 2"),
        ("missed_on_site", "reported_at", "not cancelled and on_site_state >= 2"),
        ("missed_restore", "reported_at", "not cancelled and restore_state >= 2"),
        // Also the open incidents a KPI query adds to the cells (KpiCells.NotInCells), in the order of the period column.
        ("unresolved", "reported_at", KpiCells.NotInCells),
        ("unsatisfied", "reported_at", "not cancelled and rating < 4"),
        ("slow_majors", "reported_at", "not cancelled and slow_major"),
        ("outages_reported", "reported_at", "is_outage"),
        ("outages_restored", "restored_at", "is_outage"),
    ];

    /// <summary>The members duplicated into columns for the KPI query (not indexed).</summary>
    private static readonly string[] NarrowMembers =
    [
        nameof(IncidentKpiFacts.ReportedTicks), nameof(IncidentKpiFacts.DownTicks), nameof(IncidentKpiFacts.Cancelled), nameof(IncidentKpiFacts.AcknowledgeSeconds),
        nameof(IncidentKpiFacts.OnSiteSeconds), nameof(IncidentKpiFacts.RestoreSeconds), nameof(IncidentKpiFacts.ResolveSeconds),
        nameof(IncidentKpiFacts.ResolvedTicks), nameof(IncidentKpiFacts.RestoredTicks), nameof(IncidentKpiFacts.Rating),
        nameof(IncidentKpiFacts.AcknowledgeState), nameof(IncidentKpiFacts.AcknowledgeDueTicks), nameof(IncidentKpiFacts.OnSiteState),
        nameof(IncidentKpiFacts.OnSiteDueTicks), nameof(IncidentKpiFacts.RestoreState), nameof(IncidentKpiFacts.RestoreDueTicks),
        nameof(IncidentKpiFacts.SettledTicks), nameof(IncidentKpiFacts.SlowMajor),
    ];
}
