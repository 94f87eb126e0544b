using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Kpis;

/// <summary>Drills are excluded from KPIs unless asked for.</summary>
public enum DrillFilter
{
    Exclude,
    Include,
    Only,
}

/// <summary>Which incidents a KPI set covers: reported in [From, To), optionally of some classes, one system, with or without drills.</summary>
public sealed record KpiFilter(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<IncidentClass>? Classes = null,
    string? System = null,
    DrillFilter Drills = DrillFilter.Exclude)
{
    /// <summary>Approved maintenance windows and force-majeure outages whose time availability leaves out (KpiExclusions.cs).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public KpiExclusions Exclusions { get; init; } = KpiExclusions.None;

    public bool Covers(KpiFacts f) =>
        (Classes is null || Classes.Count == 0 || Classes.Contains(f.Class))
        && (System is null || f.AffectedSystem == System)
        && Drills switch
        {
            DrillFilter.Exclude => !f.IsDrill,
            DrillFilter.Only => f.IsDrill,
            _ => true,
        };
}

/// <summary>A share: numerator over denominator (null when nothing to judge), against the contract target, with the incidents that fall short.</summary>
public sealed record KpiRate(
    string Clause,
    int Numerator,
    int Denominator,
    double? Value,
    double Target,
    bool? Met,
    IReadOnlyList<Guid> Shortfall);

/// <summary>Durations from the report to a step, over the incidents that reached it (seconds).</summary>
public sealed record KpiDuration(int Count, double? MeanSeconds, double? P50Seconds, double? P90Seconds);

/// <summary>One stage of the SLA clock over the set: met, missed (breached or met late), still running, and the misses.</summary>
public sealed record KpiStageAttainment(SlaStage Stage, int Met, int Missed, int Running, double? Rate, IReadOnlyList<Guid> MissedIncidents);

/// <summary>Outage time of one system (or all, "*") in the period, against the 99.99% target.</summary>
public sealed record KpiAvailability(
    string System,
    double PeriodSeconds,
    double OutageSeconds,
    double Availability,
    double Target,
    bool Met,
    double RemainingBudgetSeconds,
    IReadOnlyList<Guid> Outages,
    double ExcludedSeconds = 0,
    IReadOnlyList<KpiExcludedTime>? Exclusions = null);

/// <summary>
/// An outage or major event (not cancelled) as availability sees it: down from <paramref name="ReportedAt"/> — the
/// occurred-at when known (issue #12), else the report — until the first restoration.
/// </summary>
public sealed record KpiOutage(Guid IncidentId, string AffectedSystem, DateTimeOffset ReportedAt, DateTimeOffset? RestoredAt)
{
    public static KpiOutage Of(KpiFacts f) => new(f.IncidentId, f.AffectedSystem, f.DownFrom, f.RestoredAt);
}

/// <summary>Every figure of issue #7 over one set of incidents.</summary>
public sealed record KpiFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    int Incidents,
    int Cancelled,
    IReadOnlyDictionary<IncidentClass, int> ByClass,
    IReadOnlyDictionary<string, int> BySystem,
    KpiDuration TimeToAcknowledge,
    KpiDuration TimeToOnSite,
    KpiDuration TimeToRestore,
    KpiDuration TimeToResolve,
    IReadOnlyList<KpiStageAttainment> SlaAttainment,
    KpiRate FaultResponseRate,
    KpiRate FaultResolutionRate,
    KpiRate UserSatisfaction,
    KpiRate MajorEventResponse,
    KpiAvailability Availability,
    IReadOnlyList<KpiAvailability> AvailabilityBySystem,
    IReadOnlyList<Guid> IncidentIds);

/// <summary>
/// The KPI formulas (docs/kpis.md has each one with its contract clause). Pure: the same facts, period and as-of instant
/// always give the same figures.
/// </summary>
public static class KpiCalculator
{
    public const double AvailabilityTarget = 0.9999;
    public const double ResponseRateTarget = 1.0;
    public const double ResolutionRateTarget = 0.95;
    public const double SatisfactionTarget = 0.90;

    /// <summary>Major events are acknowledged within this many seconds (3.1 item 3): the one place the rule lives, for the
    /// C# and the SQL of the KPI cells and queries alike.</summary>
    public const int MajorEventResponseSeconds = 60;

    public static readonly TimeSpan MajorEventResponse = TimeSpan.FromSeconds(MajorEventResponseSeconds);

    /// <param name="facts">Candidate incidents; those reported in the period and matching the filter are counted,
    /// outages reported earlier still count toward the period's outage time.</param>
    /// <param name="asOf">The instant the figures are judged at (running clocks, outages not yet restored).</param>
    public static KpiFigures Compute(IEnumerable<KpiFacts> facts, KpiFilter filter, DateTimeOffset asOf)
    {
        var candidates = facts.Where(f => filter.Covers(f) && f.ReportedAt <= asOf).ToList();
        var inPeriod = candidates.Where(f => f.ReportedAt >= filter.From && f.ReportedAt < filter.To)
            .OrderBy(f => f.ReportedAt).ThenBy(f => f.IncidentId).ToList();
        var live = inPeriod.Where(f => f.CancelledAt is null).ToList();

        var stages = Enum.GetValues<SlaStage>().Select(stage => Attainment(live, stage, asOf)).ToList();
        var ack = stages.First(s => s.Stage == SlaStage.Acknowledge);

        var resolved = live.Where(f => f.ResolvedAt is { } r && r <= asOf).ToList();
        var rated = live.Where(f => f.ClosedAt is not null && f.Satisfaction is not null).ToList();
        var satisfied = rated.Where(f => f.Satisfaction >= 4).ToList();
        var majors = live.Where(f => f.Class == IncidentClass.MajorEvent).ToList();
        var fastMajors = majors.Where(f => f.AcknowledgedAt is { } a && a - f.ReportedAt <= MajorEventResponse).ToList();

        var outages = candidates.Where(f => f.IsOutage && f.CancelledAt is null).Select(KpiOutage.Of).ToList();
        var systems = outages.Select(f => f.AffectedSystem).Concat(inPeriod.Select(f => f.AffectedSystem))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        return new KpiFigures(
            filter.From,
            filter.To,
            asOf,
            inPeriod.Count,
            inPeriod.Count - live.Count,
            Enum.GetValues<IncidentClass>().ToDictionary(c => c, c => inPeriod.Count(f => f.Class == c)),
            inPeriod.GroupBy(f => f.AffectedSystem).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            Duration(live.Select(f => f.AcknowledgedAt - f.ReportedAt)),
            Duration(live.Select(f => f.OnSiteAt - f.ReportedAt)),
            Duration(live.Select(f => f.RestoredAt - f.ReportedAt)),
            Duration(live.Select(f => f.ResolvedAt - f.ReportedAt)),
            stages,
            new KpiRate("3.1 fault response rate 100%; 2.2.6 standard 1", ack.Met, ack.Met + ack.Missed, ack.Rate, ResponseRateTarget,
                ack.Rate is { } r ? r >= ResponseRateTarget : null, ack.MissedIncidents),
            Rate("3.1 fault resolution rate >= 95%", resolved.Count, live.Count, ResolutionRateTarget,
                live.Where(f => f.ResolvedAt is not { } r || r > asOf).Select(f => f.IncidentId)),
            Rate("3.1 user satisfaction >= 90%", satisfied.Count, rated.Count, SatisfactionTarget,
                rated.Where(f => f.Satisfaction < 4).Select(f => f.IncidentId)),
            Rate("3.1 item 3 major events within 1 minute", fastMajors.Count, majors.Count, ResponseRateTarget,
                majors.Where(f => f.AcknowledgedAt is not { } a || a - f.ReportedAt > MajorEventResponse).Select(f => f.IncidentId)),
            Availability("*", outages, filter, asOf),
            systems.Select(s => Availability(s, outages.Where(f => f.AffectedSystem == s).ToList(), filter, asOf)).ToList(),
            inPeriod.Select(f => f.IncidentId).ToList());
    }

    /// <summary>Nearest-rank percentile of sorted values: the value at rank ceil(p * n).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// Outage time in the period: the union of [report, restoration) of the outages and major events (not cancelled),
    /// clipped to [From, min(To, asOf)); an outage not yet restored runs to asOf. Overlapping outages count once.
    /// </summary>
    public static KpiAvailability Availability(string system, IReadOnlyList<KpiOutage> outages, KpiFilter filter, DateTimeOffset asOf)
    {
        var periodSeconds = (filter.To - filter.From).TotalSeconds;
        var end = filter.To < asOf ? filter.To : asOf;
        var intervals = new List<(KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End)>(outages.Count);
        foreach (var f in outages)
        {
            var (start, stop) = (Max(f.ReportedAt, filter.From), Min(f.RestoredAt ?? asOf, end));
            if (stop > start)
            {
                intervals.Add((f, start, stop));
            }
        }

        // By start, then report time and id: a total order, so the evidence list is the same however the outages came in
        // (outages given in report order are already in it).
        static int Compare((KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End) a, (KpiOutage Outage, DateTimeOffset Start, DateTimeOffset End) b) =>
            a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.Outage.ReportedAt != b.Outage.ReportedAt ? a.Outage.ReportedAt.CompareTo(b.Outage.ReportedAt)
            : a.Outage.IncidentId.CompareTo(b.Outage.IncidentId);
        var sorted = true;
        for (var i = 1; i < intervals.Count && sorted; i++)
        {
            sorted = Compare(intervals[i - 1], intervals[i]) <= 0;
        }

        if (!sorted)
        {
            intervals.Sort(Compare);
        }

        // Approved exclusions (planned maintenance, force majeure) come off the outage time here, and nowhere else.
        var (excludedSeconds, applied) = (0.0, new List<KpiExcludedTime>());
        if (!filter.Exclusions.IsEmpty && intervals.Count > 0)
        {
            var before = KpiExclusions.UnionSeconds(intervals.Select(i => (i.Start, i.End)));
            (intervals, applied) = filter.Exclusions.Cut(intervals);
            intervals.Sort(Compare);
            excludedSeconds = before - KpiExclusions.UnionSeconds(intervals.Select(i => (i.Start, i.End)));
        }
        var down = 0.0;
        DateTimeOffset? runStart = null, runEnd = null;
        foreach (var (_, start, stop) in intervals)
        {
            if (runEnd is null || start > runEnd)
            {
                if (runEnd is not null)
                {
                    down += (runEnd.Value - runStart!.Value).TotalSeconds;
                }

                (runStart, runEnd) = (start, stop);
            }
            else if (stop > runEnd)
            {
                runEnd = stop;
            }
        }

        if (runEnd is not null)
        {
            down += (runEnd.Value - runStart!.Value).TotalSeconds;
        }

        var availability = periodSeconds <= 0 ? 1.0 : 1.0 - down / periodSeconds;
        var budget = (1 - AvailabilityTarget) * periodSeconds;
        return new KpiAvailability(system, periodSeconds, down, availability, AvailabilityTarget, availability >= AvailabilityTarget,
            budget - down, intervals.Select(i => i.Outage.IncidentId).Distinct().ToList(), excludedSeconds, applied);
    }

    private static KpiStageAttainment Attainment(IReadOnlyList<KpiFacts> live, SlaStage stage, DateTimeOffset asOf)
    {
        int met = 0, running = 0;
        var missed = new List<Guid>();
        foreach (var f in live)
        {
            switch (SlaClock.StatusOf(f.Clock, f.Clock[stage], asOf))
            {
                case SlaStageStatus.Met:
                    met++;
                    break;
                case SlaStageStatus.MetLate or SlaStageStatus.Breached:
                    missed.Add(f.IncidentId);
                    break;
                case SlaStageStatus.Running:
                    running++;
                    break;
            }
        }

        var judged = met + missed.Count;
        return new KpiStageAttainment(stage, met, missed.Count, running, judged == 0 ? null : (double)met / judged, missed);
    }

    private static KpiRate Rate(string clause, int numerator, int denominator, double target, IEnumerable<Guid> shortfall)
    {
        double? value = denominator == 0 ? null : (double)numerator / denominator;
        return new KpiRate(clause, numerator, denominator, value, target, value is { } v ? v >= target : null, shortfall.ToList());
    }

    public static KpiDuration Duration(IEnumerable<TimeSpan?> spans)
    {
        var values = spans.OfType<TimeSpan>().Select(s => s.TotalSeconds).Order().ToList();
        return values.Count == 0
            ? new KpiDuration(0, null, null, null)
            : new KpiDuration(values.Count, values.Average(), Percentile(values, 0.5), Percentile(values, 0.9));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
