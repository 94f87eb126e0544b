namespace Incidents.Domain.Kpis;

/// <summary>Why outage time is not counted against availability (contract 2.2.6 standard 8).</summary>
public enum KpiExclusionKind
{
    /// <summary>Inside a maintenance window the purchaser approved, on a system in its scope.</summary>
    PlannedMaintenance,

    /// <summary>An outage the purchaser accepted as force majeure: all of its time.</summary>
    ForceMajeure,
}

/// <summary>
/// One approved exclusion: a maintenance window (<see cref="Systems"/> from <see cref="From"/> to <see cref="To"/>), or a
/// force-majeure incident (<see cref="IncidentId"/>, all of its outage time). <see cref="Reference"/> is the window's or the
/// incident's id; <see cref="Reason"/> what the report prints.
/// </summary>
public sealed record KpiExclusion(
    KpiExclusionKind Kind,
    Guid Reference,
    string Title,
    string Reason,
    IReadOnlyList<string> Systems,
    DateTimeOffset? From,
    DateTimeOffset? To,
    Guid? IncidentId,
    string ApprovedBy,
    DateTimeOffset ApprovedAt)
{
    public static KpiExclusion Maintenance(Guid windowId, string title, string reason, IReadOnlyList<string> systems, DateTimeOffset from,
        DateTimeOffset to, string approvedBy, DateTimeOffset approvedAt) =>
        new(KpiExclusionKind.PlannedMaintenance, windowId, title, reason, systems, from, to, null, approvedBy, approvedAt);

    public static KpiExclusion ForceMajeure(Guid incidentId, string title, string reason, string system, string approvedBy,
        DateTimeOffset approvedAt) =>
        new(KpiExclusionKind.ForceMajeure, incidentId, title, reason, [system], null, null, incidentId, approvedBy, approvedAt);
}

/// <summary>An exclusion as it applied to one availability figure: how much outage time it took out, from which incidents.</summary>
public sealed record KpiExcludedTime(
    KpiExclusionKind Kind,
    Guid Reference,
    string Title,
    string Reason,
    IReadOnlyList<string> Systems,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string ApprovedBy,
    DateTimeOffset ApprovedAt,
    double ExcludedSeconds,
    IReadOnlyList<Guid> Incidents);

/// <summary>
/// The approved exclusions a KPI answer applies. Kept apart from the outage window itself: availability first takes each
/// outage's interval as usual, then <see cref="Cut"/> removes what is excluded, and the figure shows the outage time both
/// before and after (<see cref="KpiAvailability.ExcludedSeconds"/>) with every exclusion that took time out — shown, never
/// hidden.
/// </summary>
public sealed class KpiExclusions(IReadOnlyList<KpiExclusion> all)
{
    public static readonly KpiExclusions None = new([]);

    public IReadOnlyList<KpiExclusion> All { get; } = all;

    public bool IsEmpty => All.Count == 0;

    /// <summary>
    /// The parts of the outage intervals that still count: a force-majeure outage drops out whole, an outage on a system in an
    /// approved window's scope loses the part inside the window. Also each exclusion with the time it took out of the union of
    /// the intervals it touched (overlapping outages count once, as in availability itself).
    /// </summary>
    public (List<(KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End)> Remaining, List<KpiExcludedTime> Applied) Cut(
        IReadOnlyList<(KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var forceMajeure = All.Where(e => e.Kind == KpiExclusionKind.ForceMajeure && e.IncidentId is not null)
            .Select(e => e.IncidentId!.Value).ToHashSet();
        var windows = All.Where(e => e.Kind == KpiExclusionKind.PlannedMaintenance && e.From is not null && e.To is not null).ToList();
        var remaining = new List<(KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var interval in intervals)
        {
            if (forceMajeure.Contains(interval.Outage.IncidentId))
            {
                continue;
            }

            var pieces = new List<(DateTimeOffset Start, DateTimeOffset End)> { (interval.Start, interval.End) };
            foreach (var w in windows.Where(w => w.Systems.Contains(interval.Outage.AffectedSystem, StringComparer.Ordinal)))
            {
                pieces = pieces.SelectMany(p => Minus(p, (w.From!.Value, w.To!.Value))).ToList();
            }

            remaining.AddRange(pieces.Select(p => (interval.Outage, p.Start, p.End)));
        }

        var applied = new List<KpiExcludedTime>();
        foreach (var e in All)
        {
            var touched = e.Kind == KpiExclusionKind.ForceMajeure
                ? intervals.Where(i => i.Outage.IncidentId == e.IncidentId).Select(i => (i.Outage, i.Start, i.End)).ToList()
                : intervals.Where(i => e.Systems.Contains(i.Outage.AffectedSystem, StringComparer.Ordinal))
                    .Select(i => (i.Outage, Start: Max(i.Start, e.From!.Value), End: Min(i.End, e.To!.Value)))
                    .Where(i => i.End > i.Start).ToList();
            if (touched.Count > 0)
            {
                applied.Add(new KpiExcludedTime(e.Kind, e.Reference, e.Title, e.Reason, e.Systems, e.From, e.To, e.ApprovedBy, e.ApprovedAt,
                    UnionSeconds(touched.Select(t => (t.Start, t.End))), touched.Select(t => t.Outage.IncidentId).Distinct().ToList()));
            }
        }

        return (remaining, applied);
    }

    /// <summary>The length of the union of intervals, in seconds.</summary>
    public static double UnionSeconds(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var total = 0.0;
        DateTimeOffset? runStart = null, runEnd = null;
        foreach (var (start, end) in intervals.OrderBy(i => i.Start))
        {
            if (runEnd is null || start > runEnd)
            {
                if (runEnd is not null)
                {
                    total += (runEnd.Value - runStart!.Value).TotalSeconds;
                }

                (runStart, runEnd) = (start, end);
            }
            else if (end > runEnd)
            {
                runEnd = end;
            }
        }

        return runEnd is null ? total : total + (runEnd.Value - runStart!.Value).TotalSeconds;
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Minus((DateTimeOffset Start, DateTimeOffset End) piece,
        (DateTimeOffset Start, DateTimeOffset End) cut)
    {
        if (cut.End <= piece.Start || cut.Start >= piece.End)
        {
            yield return piece;
            yield break;
        }

        if (cut.Start > piece.Start)
        {
            yield return (piece.Start, cut.Start);
        }

        if (cut.End < piece.End)
        {
            yield return (cut.End, piece.End);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
