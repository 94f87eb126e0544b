using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Incidents.Api.Http;
using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;
using Incidents.Projections.Kpis;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Incidents.Api.Kpis;

/// <summary>What a KPI request asks for, parsed and validated.</summary>
/// <remarks><see cref="CompleteEvidence"/> (<c>evidence=all</c>): every evidence list complete, computed in memory from the
/// per-incident facts (the reference computation); otherwise the lists hold the first <see cref="KpiAggregation.EvidenceLimit"/> ids.</remarks>
public sealed record KpiRequest(KpiPeriod Period, KpiGranularity? By, KpiFilter Filter, long? Position, DateTimeOffset? AsOf,
    bool CompleteEvidence = false);

/// <summary>
/// The filters of every KPI answer (the KPIs, their CSV and the monthly report), as sent. <see cref="ReadMonth"/> and
/// <see cref="KpiQuery.Read"/> check them.
/// </summary>
public class KpiFilterQuery
{
    [FromQuery(Name = "class")]
    [Description("Classes, repeated or comma-separated: outage, fault, major-event, security-event.")]
    public List<string>? Class { get; set; }

    [FromQuery(Name = "system")]
    [Description("Affected system, exact match (at most 200 characters).")]
    public string? System { get; set; }

    [FromQuery(Name = "drills")]
    [Description("exclude (default), include or only.")]
    public string? Drills { get; set; }

    [FromQuery(Name = "position")]
    [Description("Event-store position of an earlier answer or an issued report: recompute from the events up to it " +
        "(every evidence list complete).")]
    [Range(typeof(long), "1", "9223372036854775807")]
    public string? Position { get; set; }

    [FromQuery(Name = "asOf")]
    [Description("Judge running clocks at this RFC 3339 instant (default: the period's end, or now).")]
    public string? AsOf { get; set; }

    /// <summary>
    /// The monthly report's request: the month named by the route (a bad one is an error naming <c>month</c>), these
    /// filters, every evidence list complete (the report lists every outage and breach). Null when anything is unreadable.
    /// </summary>
    public KpiRequest? ReadMonth(string month, TimeZoneInfo zone, Dictionary<string, string[]> errors)
    {
        if (!KpiPeriod.TryParse(month, zone, out var period))
        {
            errors["month"] = ["Use a year (2026), a month (2026-11) or a day (2026-11-05)."];
        }

        return ToRequest(period, null, completeEvidence: true, errors);
    }

    /// <summary>
    /// The request over <paramref name="period"/> (null when it was unreadable) with these filters; null when anything
    /// is unreadable, each named in <paramref name="errors"/>. A position asks for every evidence list complete.
    /// </summary>
    protected KpiRequest? ToRequest(KpiPeriod? period, KpiGranularity? by, bool completeEvidence, Dictionary<string, string[]> errors)
    {
        var classes = QueryValues.Enums<IncidentClass>(Class, "class", errors);
        var system = QueryValues.Text(System, "system", 200, errors);
        var drills = QueryValues.OneOf<DrillFilter>(Drills, "drills", "One of: exclude (default), include, only.", errors) ?? DrillFilter.Exclude;
        var position = QueryValues.PositiveLong(Position, "position",
            "An event-store position (a positive whole number) from an earlier answer.", errors);
        var asOf = QueryValues.Time(AsOf, "asOf", errors);
        return errors.Count > 0 || period is null
            ? null
            : new KpiRequest(period, by, new KpiFilter(period.From, period.To, classes, system, drills), position, asOf,
                completeEvidence || position is not null);
    }
}

/// <summary>A KPI request as sent: a period, its buckets and the evidence wanted, besides the filters.</summary>
public sealed class KpiQuery : KpiFilterQuery
{
    [FromQuery(Name = "period")]
    [Description("A year (2026), month (2026-11) or day (2026-11-05) in the service's time zone (default: this month); a range of " +
        "days (2026-01-01..2026-03-31, both included); the contract year today falls in (contract-year) or one by number " +
        "(contract-year-1: from Contract:StartDate for a year).")]
    public string? Period { get; set; }

    [FromQuery(Name = "by")]
    [Description("Buckets: day, month or year (not coarser than the period).")]
    public string? By { get; set; }

    [FromQuery(Name = "evidence")]
    [Description("capped (default: at most 100 ids per evidence list, exact figures) or all (every id; the complete " +
        "in-memory computation).")]
    public string? Evidence { get; set; }

    /// <summary>The request, read; null when anything is unreadable, each named in <paramref name="errors"/>.</summary>
    public KpiRequest? Read(TimeZoneInfo zone, TimeProvider clock, Dictionary<string, string[]> errors,
        Contract.ContractCalendar? contract = null)
    {
        var text = string.IsNullOrEmpty(Period)
            ? KpiPeriod.DayOf(clock.GetUtcNow(), zone).ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : Period;
        if (!KpiPeriod.TryParse(text, zone, out var period)
            && !KpiPeriod.TryParseRange(text, zone, out period)
            && contract?.TryParse(text, KpiPeriod.DayOf(clock.GetUtcNow(), zone), zone, out period) != true)
        {
            errors["period"] = ["Use a year (2026), a month (2026-11), a day (2026-11-05), a range of days (2026-01-01..2026-03-31, " +
                $"at most {KpiPeriod.MaxRangeDays} days), the contract year (contract-year) or one by number (contract-year-1)."];
        }

        var by = QueryValues.OneOf<KpiGranularity>(By, "by", "One of: day, month, year.", errors);
        var completeEvidence = false;
        if (!string.IsNullOrEmpty(Evidence))
        {
            if (Evidence is "all" or "capped")
            {
                completeEvidence = Evidence == "all";
            }
            else
            {
                errors["evidence"] = [$"One of: capped (default: at most {KpiAggregation.EvidenceLimit} ids per list), all."];
            }
        }

        if (ToRequest(period, by, completeEvidence, errors) is not { } request)
        {
            return null;
        }

        if (by is { } coarser && coarser > period.Granularity)
        {
            errors["by"] = [$"A {QueryValues.Name(period.Granularity)} cannot be split by {QueryValues.Name(coarser)}."];
            return null;
        }

        return request;
    }
}

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
            // An outage is down in a bucket from its occurred-at (an alert's start may precede the report, even across
            // midnight): the bucket it was reported in counts it already, any other it overlaps counts it here.
            var overlapping = outages.Where(o => (o.ReportedAt < bucket.From || o.ReportedAt >= bucket.To)
                && o.DownFrom < bucket.To && (o.RestoredAt ?? asOf) > bucket.From);
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
