using System.Text.Json;
using System.Text.Json.Serialization;

namespace Incidents.Domain.Calendar;

/// <summary>One official holiday run (inclusive dates).</summary>
public sealed record HolidayRange(string Name, DateOnly From, DateOnly To);

/// <summary>The official schedule of one year: days off beyond weekends, and weekend days that are working days.</summary>
public sealed record YearSchedule(int Year, IReadOnlyList<HolidayRange> Holidays, IReadOnlyList<DateOnly> Workdays);

/// <summary>When a monthly report is due, and whether that date rests on an official schedule.</summary>
public sealed record ReportDueDate(string Month, DateOnly DueDate, bool Provisional);

/// <summary>
/// Working days on the official PRC calendar: Monday to Friday, minus the State Council's public holidays, plus its
/// make-up workdays (调休). A year with no schedule on record falls back to plain Monday to Friday and is provisional.
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>Reports on a month are due within this many working days of the next month (contract 3.2 item 3).</summary>
    public const int ReportDueWorkingDays = 5;

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private readonly Dictionary<int, YearSchedule> years;
    private readonly HashSet<DateOnly> holidays;
    private readonly HashSet<DateOnly> workdays;

    public WorkingDayCalendar(IEnumerable<YearSchedule> schedules)
    {
        var list = schedules.ToList();
        var problems = Problems(list);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The working-day calendar is invalid: " + string.Join(" ", problems));
        }

        years = list.ToDictionary(y => y.Year);
        holidays = list.SelectMany(y => y.Holidays).SelectMany(Days).ToHashSet();
        workdays = list.SelectMany(y => y.Workdays).ToHashSet();
    }

    /// <summary>The calendar shipped with the service (embedded 2025 and 2026 schedules), validated at load.</summary>
    public static WorkingDayCalendar Official { get; } = Load();

    public IReadOnlyCollection<int> ScheduledYears => years.Keys;

    public bool HasSchedule(int year) => years.ContainsKey(year);

    /// <summary>Whether the day is one of the State Council's public holidays (weekend days inside a holiday run included).</summary>
    public bool IsHoliday(DateOnly day) => holidays.Contains(day);

    public bool IsWorkingDay(DateOnly day)
    {
        if (!years.ContainsKey(day.Year))
        {
            return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        }

        if (workdays.Contains(day))
        {
            return true;
        }

        return !holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The n-th working day (from 1) of a month.</summary>
    public DateOnly NthWorkingDay(int year, int month, int n)
    {
        var day = new DateOnly(year, month, 1);
        var count = 0;
        while (true)
        {
            if (IsWorkingDay(day) && ++count == n)
            {
                return day;
            }

            day = day.AddDays(1);
        }
    }

    /// <summary>The report on <paramref name="year"/>-<paramref name="month"/> is due on the 5th working day of the next month.</summary>
    public ReportDueDate ReportDue(int year, int month)
    {
        var next = new DateOnly(year, month, 1).AddMonths(1);
        return new ReportDueDate($"{year:D4}-{month:D2}", NthWorkingDay(next.Year, next.Month, ReportDueWorkingDays),
            !HasSchedule(next.Year));
    }

    /// <summary>Everything wrong with a set of schedules; empty when it is sound.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<YearSchedule> schedules)
    {
        var problems = new List<string>();
        foreach (var dup in schedules.GroupBy(s => s.Year).Where(g => g.Count() > 1))
        {
            problems.Add($"Year {dup.Key} appears more than once.");
        }

        foreach (var s in schedules)
        {
            if (s.Holidays.Count == 0)
            {
                problems.Add($"Year {s.Year} has no holidays.");
            }

            foreach (var h in s.Holidays)
            {
                if (h.To < h.From)
                {
                    problems.Add($"{s.Year} {h.Name}: ends before it starts.");
                }

                if (h.From.Year != s.Year && h.To.Year != s.Year)
                {
                    problems.Add($"{s.Year} {h.Name}: not in year {s.Year}.");
                }
            }

            var off = s.Holidays.SelectMany(Days).ToList();
            if (off.Count != off.Distinct().Count())
            {
                problems.Add($"Year {s.Year}: holidays overlap.");
            }

            foreach (var w in s.Workdays)
            {
                if (w.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                {
                    problems.Add($"{w:yyyy-MM-dd} is a make-up workday but not a weekend day.");
                }

                if (off.Contains(w))
                {
                    problems.Add($"{w:yyyy-MM-dd} is both a holiday and a make-up workday.");
                }
            }
        }

        return problems;
    }

    public static WorkingDayCalendar Parse(string json)
    {
        var file = JsonSerializer.Deserialize<CalendarFile>(json, JsonOptions)
            ?? throw new InvalidOperationException("The working-day calendar is empty.");
        return new WorkingDayCalendar(file.Years.Select(y => new YearSchedule(y.Year,
            y.Holidays.Select(h => new HolidayRange(h.Name, DateOnly.Parse(h.From), DateOnly.Parse(h.To))).ToList(),
            y.Workdays.Select(DateOnly.Parse).ToList())));
    }

    private static WorkingDayCalendar Load()
    {
        using var stream = typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream("Incidents.Domain.Calendar.prc-working-days.json")
            ?? throw new InvalidOperationException("The embedded working-day calendar is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private static IEnumerable<DateOnly> Days(HolidayRange range)
    {
        for (var d = range.From; d <= range.To; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    private sealed record CalendarFile([property: JsonPropertyName("years")] List<YearFile> Years);

    private sealed record YearFile(int Year, List<HolidayFile> Holidays, List<string> Workdays);

    private sealed record HolidayFile(string Name, string From, string To);
}
