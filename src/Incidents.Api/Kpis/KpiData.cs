using System.Globalization;
using Incidents.Api.Http;
using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;
using Incidents.Projections.Kpis;
using JasperFx.Events;
using Marten;

namespace Incidents.Api.Kpis;

/// <summary>What a KPI request asks for, parsed and validated.</summary>
/// <remarks><see cref="CompleteEvidence"/> (<c>evidence=all</c>): every evidence list complete, computed in memory from the
/// per-incident facts (the reference computation); otherwise the lists hold the first <see cref="KpiAggregation.EvidenceLimit"/> ids.</remarks>
public sealed record KpiRequest(KpiPeriod Period, KpiGranularity? By, KpiFilter Filter, long? Position, DateTimeOffset? AsOf,
    bool CompleteEvidence = false);

/// <summary>One bucket (day, month or year) of a period: the counts and the attainment, in short.</summary>
public sealed record KpiBucket(
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    int Incidents,
    IReadOnlyDictionary<IncidentClass, int> ByClass,
    double? AcknowledgeAttainment,
    double? OnSiteAttainment,
    double? RestoreAttainment,
    double OutageSeconds);

/// <summary>Loading the per-incident KPI facts: from the inline projection (now) or rebuilt from the events up to a store position.</summary>
public static class KpiData
{
    public const string EvidenceLink = "/api/v1/incidents/{id}/timeline";

    /// <summary>
    /// The service's time zone (configuration Kpis:TimeZone, default Asia/Shanghai). An unknown id never gets this far in
    /// the API (start-up validation, <see cref="KpiOptionsValidator"/>); the store's configuration, built before that
    /// check runs, gets the default.
    /// </summary>
    public static TimeZoneInfo Zone(IConfiguration configuration) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(configuration["Kpis:TimeZone"] ?? "", out var zone)
            ? zone
            : TimeZoneInfo.FindSystemTimeZoneById(KpiPeriod.DefaultTimeZone);

    public static KpiRequest? Parse(HttpContext http, TimeZoneInfo zone, TimeProvider clock, Dictionary<string, string[]> errors,
        string? period = null)
    {
        var query = http.Request.Query;
        var text = period ?? (query["period"].ToString() is { Length: > 0 } p
            ? p
            : KpiPeriod.DayOf(clock.GetUtcNow(), zone).ToString("yyyy-MM", CultureInfo.InvariantCulture));
        if (!KpiPeriod.TryParse(text, zone, out var parsed))
        {
            errors[period is null ? "period" : "month"] = ["Use a year (2026), a month (2026-11) or a day (2026-11-05)."];
        }

        KpiGranularity? by = null;
        if (query["by"].ToString() is { Length: > 0 } b)
        {
            if (Enum.GetValues<KpiGranularity>().FirstOrDefault(g => QueryValues.Name(g) == b) is var g && QueryValues.Name(g) == b)
            {
                by = g;
            }
            else
            {
                errors["by"] = ["One of: day, month, year."];
            }
        }

        var classes = QueryValues.Enums<IncidentClass>(query, "class", errors);
        var system = QueryValues.Text(query, "system", 200, errors);
        var drills = DrillFilter.Exclude;
        if (query["drills"].ToString() is { Length: > 0 } d)
        {
            if (Enum.GetValues<DrillFilter>().FirstOrDefault(x => QueryValues.Name(x) == d) is var x && QueryValues.Name(x) == d)
            {
                drills = x;
            }
            else
            {
                errors["drills"] = ["One of: exclude (default), include, only."];
            }
        }

        long? position = null;
        if (query["position"].ToString() is { Length: > 0 } pos)
        {
            if (long.TryParse(pos, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                position = value;
            }
            else
            {
                errors["position"] = ["An event-store position (a positive whole number) from an earlier answer."];
            }
        }

        var completeEvidence = false;
        if (query["evidence"].ToString() is { Length: > 0 } evidence)
        {
            if (evidence is "all" or "capped")
            {
                completeEvidence = evidence == "all";
            }
            else
            {
                errors["evidence"] = [$"One of: capped (default: at most {KpiAggregation.EvidenceLimit} ids per list), all."];
            }
        }

        var asOf = QueryValues.Time(query, "asOf", errors);
        if (errors.Count > 0)
        {
            return null;
        }

        if (by is { } coarser && coarser > parsed.Granularity)
        {
            errors["by"] = [$"A {QueryValues.Name(parsed.Granularity)} cannot be split by {QueryValues.Name(coarser)}."];
            return null;
        }

        return new KpiRequest(parsed, by, new KpiFilter(parsed.From, parsed.To, classes, system, drills), position, asOf,
            completeEvidence || position is not null);
    }

    /// <summary>The highest event sequence in the store.</summary>
    public static async Task<long> PositionAsync(IQuerySession session, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<long>(
            $"select coalesce(max(seq_id), 0) from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events", ct)).Single();

    /// <summary>
    /// The facts of the incidents a filter may need: reported in the period, plus outages reported earlier and not
    /// restored before it starts. With a position, each is rebuilt from its events up to that position.
    /// </summary>
    public static async Task<IReadOnlyList<KpiFacts>> LoadAsync(IQuerySession session, KpiFilter filter, long? position, CancellationToken ct)
    {
        var query = session.Query<IncidentKpiFacts>()
            .Where(r => r.ReportedAt < filter.To
                && (r.ReportedAt >= filter.From
                    || ((r.Class == IncidentClass.Outage || r.Class == IncidentClass.MajorEvent) && (r.RestoredAt == null || r.RestoredAt > filter.From))));
        if (filter.Drills == DrillFilter.Exclude)
        {
            query = query.Where(r => !r.IsDrill);
        }
        else if (filter.Drills == DrillFilter.Only)
        {
            query = query.Where(r => r.IsDrill);
        }

        if (filter.System is { } system)
        {
            query = query.Where(r => r.AffectedSystem == system);
        }

        var rows = await query.ToListAsync(ct);
        if (position is not { } upTo)
        {
            return rows.Select(r => r.Facts).OfType<KpiFacts>().ToList();
        }

        var ids = rows.Select(r => r.Id).ToArray();
        var events = new List<IEvent>();
        foreach (var chunk in ids.Chunk(1000))
        {
            events.AddRange(await session.Events.QueryAllRawEvents()
                .Where(e => chunk.Contains(e.StreamId) && e.Sequence <= upTo)
                .OrderBy(e => e.Sequence)
                .ToListAsync(ct));
        }

        return events.GroupBy(e => e.StreamId)
            .Select(g => KpiFacts.From(g.OrderBy(e => e.Sequence).Select(e => e.Data)))
            .OfType<KpiFacts>()
            .ToList();
    }

    /// <summary>The buckets of a period, each computed over its own incidents (and the outages overlapping it).</summary>
    public static IReadOnlyList<KpiBucket> Buckets(IReadOnlyList<KpiFacts> facts, KpiRequest request, TimeZoneInfo zone, DateTimeOffset asOf)
    {
        if (request.By is not { } by)
        {
            return [];
        }

        var outages = facts.Where(f => f.IsOutage && f.CancelledAt is null).ToList();
        var byStart = facts.GroupBy(f => KpiPeriod.Of(by, First(KpiPeriod.DayOf(f.ReportedAt, zone), by), zone).From)
            .ToDictionary(g => g.Key, g => g.ToList());
        return request.Period.Split(by, zone).Select(bucket =>
        {
            var own = byStart.GetValueOrDefault(bucket.From, []);
            var overlapping = outages.Where(o => (o.ReportedAt < bucket.From || o.ReportedAt >= bucket.To)
                && o.ReportedAt < bucket.To && (o.RestoredAt ?? asOf) > bucket.From);
            var figures = KpiCalculator.Compute(own.Concat(overlapping),
                request.Filter with { From = bucket.From, To = bucket.To }, asOf);
            double? Rate(SlaStage stage) => figures.SlaAttainment.First(s => s.Stage == stage).Rate;
            return new KpiBucket(bucket.Name, bucket.From, bucket.To, figures.Incidents, figures.ByClass,
                Rate(SlaStage.Acknowledge), Rate(SlaStage.OnSite),
                Rate(SlaStage.Restore), figures.Availability.OutageSeconds);
        }).ToList();
    }

    private static DateOnly First(DateOnly day, KpiGranularity by) => by switch
    {
        KpiGranularity.Day => day,
        KpiGranularity.Month => new DateOnly(day.Year, day.Month, 1),
        _ => new DateOnly(day.Year, 1, 1),
    };
}
