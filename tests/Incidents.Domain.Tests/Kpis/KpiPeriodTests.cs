using Incidents.Domain.Kpis;

namespace Incidents.Domain.Tests.Kpis;

public sealed class KpiPeriodTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById(KpiPeriod.DefaultTimeZone);

    [Theory]
    [InlineData("2026", KpiGranularity.Year)]
    [InlineData("2026-11", KpiGranularity.Month)]
    [InlineData("2026-11-05", KpiGranularity.Day)]
    [InlineData("2000-01-01", KpiGranularity.Day)]
    [InlineData("2100-12", KpiGranularity.Month)]
    public void a_year_a_month_or_a_day_of_the_service_s_years_parses(string text, KpiGranularity granularity)
    {
        KpiPeriod.TryParse(text, Shanghai, out var period).ShouldBeTrue();
        period.Granularity.ShouldBe(granularity);
        period.To.ShouldBeGreaterThan(period.From);
    }

    [Theory]
    [InlineData("9999-12")]
    [InlineData("0001-01-01")]
    [InlineData("1999-12-31")]
    [InlineData("2101")]
    [InlineData("2026-13")]
    [InlineData("26-11")]
    [InlineData("")]
    public void anything_else_is_refused_rather_than_thrown(string text)
    {
        KpiPeriod.TryParse(text, Shanghai, out _).ShouldBeFalse();
    }
}
