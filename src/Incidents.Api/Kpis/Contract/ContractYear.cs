using System.Globalization;
using Incidents.Domain.Kpis;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Kpis.Contract;

/// <summary>Configuration section <c>Contract</c>: the day the service contract starts (its years run from it).</summary>
public sealed class ContractOptions
{
    public const string Section = "Contract";

    public const string DefaultStartDate = "2025-12-25";

    /// <summary>The first day of the first contract year, yyyy-MM-dd in the service's time zone (default 2025-12-25).</summary>
    public string? StartDate { get; set; } = DefaultStartDate;

    public static bool TryParseStart(string? text, out DateOnly start) =>
        DateOnly.TryParseExact(text ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
        && start.Year is >= KpiPeriod.MinYear and < KpiPeriod.MaxYear - 10;
}

/// <summary>Refuses to start on a start date that is not a date, instead of failing the first contract-year request.</summary>
public sealed class ContractOptionsValidator : IValidateOptions<ContractOptions>
{
    public ValidateOptionsResult Validate(string? name, ContractOptions options) =>
        ContractOptions.TryParseStart(options.StartDate, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{ContractOptions.Section}:StartDate '{options.StartDate}' is not a date yyyy-MM-dd between {KpiPeriod.MinYear} and {KpiPeriod.MaxYear - 10}.");
}

/// <summary>
/// The contract years: year 1 runs from the start date to the day before its anniversary (2025-12-25 to 2026-12-24), year 2
/// from the anniversary on. A KPI period named <c>contract-year</c> (the one today falls in) or <c>contract-year-N</c>.
/// </summary>
public sealed record ContractCalendar(DateOnly Start)
{
    public const string PeriodName = "contract-year";

    public const int MaxYears = 10;

    public static ContractCalendar From(IConfiguration configuration) =>
        new(ContractOptions.TryParseStart(configuration[$"{ContractOptions.Section}:StartDate"] ?? ContractOptions.DefaultStartDate, out var start)
            ? start
            : DateOnly.ParseExact(ContractOptions.DefaultStartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Contract year <paramref name="number"/> (from 1) as a KPI period of whole days in the zone.</summary>
    public KpiPeriod Year(int number, TimeZoneInfo zone)
    {
        var first = Start.AddYears(number - 1);
        return KpiPeriod.Range($"{PeriodName}-{number}", first, Start.AddYears(number), zone);
    }

    /// <summary>The number of the contract year <paramref name="day"/> falls in (1 before the start).</summary>
    public int NumberOf(DateOnly day)
    {
        var n = 1;
        while (n < MaxYears && Start.AddYears(n) <= day)
        {
            n++;
        }

        return n;
    }

    /// <summary>"contract-year" (this one) or "contract-year-N" (1 to <see cref="MaxYears"/>).</summary>
    public bool TryParse(string? text, DateOnly today, TimeZoneInfo zone, out KpiPeriod period)
    {
        period = null!;
        if (text == PeriodName)
        {
            period = Year(NumberOf(today), zone);
            return true;
        }

        if (text is not null && text.StartsWith(PeriodName + "-", StringComparison.Ordinal)
            && int.TryParse(text[(PeriodName.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxYears)
        {
            period = Year(n, zone);
            return true;
        }

        return false;
    }
}
