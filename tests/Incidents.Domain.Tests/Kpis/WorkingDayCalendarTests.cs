using Incidents.Domain.Calendar;

namespace Incidents.Domain.Tests.Kpis;

public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.Official;

    [Theory]
    // October 2026 report: November 2026 has no holidays; Nov 2-6 (Mon-Fri) -> 5th working day Fri Nov 6.
    [InlineData(2026, 10, "2026-11-06")]
    // September 2026 report: Oct 1-7 off, Sat Oct 10 a make-up workday: Oct 8, 9, 10, 12, 13 -> Oct 13.
    [InlineData(2026, 9, "2026-10-13")]
    // January 2026 report: Feb 2-6 -> Feb 6 (Spring Festival starts Feb 15).
    [InlineData(2026, 1, "2026-02-06")]
    // December 2025 report: Jan 1-3 2026 off, Sun Jan 4 a workday: Jan 4, 5, 6, 7, 8 -> Jan 8.
    [InlineData(2025, 12, "2026-01-08")]
    // April 2026 report: May 1-5 off, Sat May 9 a workday: May 6, 7, 8, 9, 11 -> May 11.
    [InlineData(2026, 4, "2026-05-11")]
    // January 2025 report: Jan 28-Feb 4 off: Feb 5, 6, 7, Sat Feb 8 (workday), Mon Feb 10 -> Feb 10.
    [InlineData(2025, 1, "2025-02-10")]
    // September 2025 report: Oct 1-8 off, Sat Oct 11 a workday: Oct 9, 10, 11, 13, 14 -> Oct 14.
    [InlineData(2025, 9, "2025-10-14")]
    public void a_monthly_report_is_due_on_the_fifth_working_day_of_the_next_month(int year, int month, string due)
    {
        var d = Calendar.ReportDue(year, month);
        d.DueDate.ShouldBe(DateOnly.Parse(due));
        d.Provisional.ShouldBeFalse();
    }

    [Fact]
    public void a_year_without_a_schedule_falls_back_to_monday_to_friday_and_is_provisional()
    {
        // December 2026 report: January 2027 has no schedule: Jan 1 (Fri), 4, 5, 6, 7 -> Jan 7, provisional.
        var d = Calendar.ReportDue(2026, 12);
        (d.DueDate, d.Provisional).ShouldBe((new DateOnly(2027, 1, 7), true));
    }

    [Fact]
    public void make_up_workdays_work_and_holidays_do_not()
    {
        Calendar.IsWorkingDay(new DateOnly(2026, 2, 14)).ShouldBeTrue();
        Calendar.IsWorkingDay(new DateOnly(2026, 2, 16)).ShouldBeFalse();
        Calendar.IsWorkingDay(new DateOnly(2026, 9, 20)).ShouldBeTrue();
        Calendar.IsWorkingDay(new DateOnly(2025, 4, 27)).ShouldBeTrue();
        Calendar.IsWorkingDay(new DateOnly(2025, 10, 8)).ShouldBeFalse();
    }

    [Fact]
    public void an_invalid_schedule_is_refused_at_load()
    {
        var bad = """{"years":[{"year":2030,"holidays":[{"name":"x","from":"2030-01-02","to":"2030-01-01"}],"workdays":["2030-01-02"]}]}""";
        Should.Throw<InvalidOperationException>(() => WorkingDayCalendar.Parse(bad)).Message.ShouldContain("ends before it starts");
    }
}
