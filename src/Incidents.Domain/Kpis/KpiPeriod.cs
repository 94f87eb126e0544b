using System.Globalization;

namespace Incidents.Domain.Kpis;

/// <summary>How a period is cut into buckets.</summary>
public enum KpiGranularity
{
    Day,
    Month,
    Year,
}

/// <summary>
/// A calendar period in the service's time zone (default Asia/Shanghai), as the UTC instants [From, To) it covers.
/// Named "2026" (a year), "2026-11" (a month) or "2026-11-05" (a day).
/// </summary>
/// <remarks>A range of whole days (a contract year, any span of dates) has <see cref="EndDay"/> (exclusive) and day granularity.</remarks>
public sealed record KpiPeriod(string Name, KpiGranularity Granularity, DateOnly FirstDay, DateTimeOffset From, DateTimeOffset To,
    DateOnly? EndDay = null)
{
    /// <summary>The longest range of days one KPI request may cover.</summary>
    public const int MaxRangeDays = 731;

    /// <summary>The days [<paramref name="firstDay"/>, <paramref name="endDay"/>) in the zone, named <paramref name="name"/>.</summary>
    public static KpiPeriod Range(string name, DateOnly firstDay, DateOnly endDay, TimeZoneInfo zone) =>
        new(name, KpiGranularity.Day, firstDay, StartOf(firstDay, zone), StartOf(endDay, zone), endDay);

    /// <summary>"2026-01-01..2026-03-31": the days from the first to the last, both included.</summary>
    public static bool TryParseRange(string? text, TimeZoneInfo zone, out KpiPeriod period)
    {
        period = null!;
        var parts = text?.Split("..") ?? [];
        var culture = CultureInfo.InvariantCulture;
        if (parts.Length != 2
            || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", culture, DateTimeStyles.None, out var first)
            || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", culture, DateTimeStyles.None, out var last)
            || last < first || last.DayNumber - first.DayNumber >= MaxRangeDays
            || first.Year < MinYear || last.Year > MaxYear)
        {
            return false;
        }

        period = Range(text!, first, last.AddDays(1), zone);
        return true;
    }

    public const string DefaultTimeZone = "Asia/Shanghai";

    public static KpiPeriod Of(KpiGranularity granularity, DateOnly firstDay, TimeZoneInfo zone)
    {
        var (name, next) = granularity switch
        {
            KpiGranularity.Day => (firstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), firstDay.AddDays(1)),
            KpiGranularity.Month => (firstDay.ToString("yyyy-MM", CultureInfo.InvariantCulture), firstDay.AddMonths(1)),
            _ => (firstDay.ToString("yyyy", CultureInfo.InvariantCulture), firstDay.AddYears(1)),
        };
        return new KpiPeriod(name, granularity, firstDay, StartOf(firstDay, zone), StartOf(next, zone));
    }

    public static bool TryParse(string? text, TimeZoneInfo zone, out KpiPeriod period)
    {
        period = null!;
        if (text is null)
        {
            return false;
        }

        var styles = DateTimeStyles.None;
        var culture = CultureInfo.InvariantCulture;
        var (granularity, first) = text.Length switch
        {
            10 when DateOnly.TryParseExact(text, "yyyy-MM-dd", culture, styles, out var day) => (KpiGranularity.Day, day),
            7 when DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", culture, styles, out var month) => (KpiGranularity.Month, month),
            4 when int.TryParse(text, NumberStyles.None, culture, out var year) && year is >= 1 and <= 9999 =>
                (KpiGranularity.Year, new DateOnly(year, 1, 1)),
            _ => (KpiGranularity.Day, DateOnly.MinValue),
        };

        // One range for every form: the service's years, and far from the edges of the calendar types (whose end a
        // period's UTC bounds would pass).
        if (first.Year is < MinYear or > MaxYear)
        {
            return false;
        }

        period = Of(granularity, first, zone);
        return true;
    }

    public const int MinYear = 2000;

    public const int MaxYear = 2100;

    /// <summary>The buckets of this period at a finer (or equal) granularity.</summary>
    public IReadOnlyList<KpiPeriod> Split(KpiGranularity by, TimeZoneInfo zone)
    {
        var buckets = new List<KpiPeriod>();
        var end = EndDay ?? Granularity switch
        {
            KpiGranularity.Day => FirstDay.AddDays(1),
            KpiGranularity.Month => FirstDay.AddMonths(1),
            _ => FirstDay.AddYears(1),
        };
        for (var d = FirstDay; d < end;)
        {
            var bucket = Of(by, d, zone);
            buckets.Add(bucket);
            d = by switch
            {
                KpiGranularity.Day => d.AddDays(1),
                KpiGranularity.Month => d.AddMonths(1),
                _ => d.AddYears(1),
            };
        }

        return buckets;
    }

    /// <summary>The UTC instant a local day starts at in the zone.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The local calendar day of an instant in the zone.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
