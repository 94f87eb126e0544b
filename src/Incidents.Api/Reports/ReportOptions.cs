using Incidents.Api.Kpis;
using Incidents.Domain.Reports;

namespace Incidents.Api.Reports;

/// <summary>
/// When outage and security reports fall due and how soon security events must be notified (configuration section
/// <c>Reports</c>; docs/reports.md). Defaults: due 2 working days after the restore (outage) or the marking (security) on
/// the PRC calendar; notice within 1 hour for 较大 and above, 24 hours for 一般; warned at 75% of the time.
/// </summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    public int OutageDueWorkingDays { get; set; } = 2;

    public int SecurityDueWorkingDays { get; set; } = 2;

    /// <summary>Notice deadlines by grade (kebab-case names: particularly-major, major, larger, general).</summary>
    public Dictionary<string, TimeSpan> NoticeWithin { get; set; } = new()
    {
        ["particularly-major"] = TimeSpan.FromHours(1),
        ["major"] = TimeSpan.FromHours(1),
        ["larger"] = TimeSpan.FromHours(1),
        ["general"] = TimeSpan.FromHours(24),
    };

    /// <summary>The fraction of the notice time after which a missing notice is warned of.</summary>
    public double NoticeWarnAt { get; set; } = 0.75;

    public ReportDuePolicy Policy(IConfiguration configuration)
    {
        if (OutageDueWorkingDays is < 0 or > 30 || SecurityDueWorkingDays is < 0 or > 30)
        {
            throw new InvalidOperationException("Reports:OutageDueWorkingDays and Reports:SecurityDueWorkingDays must be 0 to 30.");
        }

        if (NoticeWarnAt is <= 0 or >= 1)
        {
            throw new InvalidOperationException("Reports:NoticeWarnAt must be between 0 and 1.");
        }

        var within = new Dictionary<SecurityGrade, TimeSpan>();
        foreach (var (name, span) in NoticeWithin)
        {
            var grade = Enum.GetValues<SecurityGrade>().FirstOrDefault(g => ReportErrors.Name(g) == name, (SecurityGrade)(-1));
            if ((int)grade < 0 || span <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"Reports:NoticeWithin:{name} is not a grade (particularly-major, major, larger, general) with a positive time.");
            }

            within[grade] = span;
        }

        return new ReportDuePolicy(OutageDueWorkingDays, SecurityDueWorkingDays, KpiData.Zone(configuration), within, NoticeWarnAt);
    }
}

public static class ReportsConfiguration
{
    /// <summary>The report write path and its policy (read and checked at start-up).</summary>
    public static WebApplicationBuilder AddIncidentReports(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ReportOptions.Section).Get<ReportOptions>() ?? new ReportOptions();
        builder.Services.AddSingleton(options.Policy(builder.Configuration));
        builder.Services.AddSingleton<ReportStep>();
        return builder;
    }
}
