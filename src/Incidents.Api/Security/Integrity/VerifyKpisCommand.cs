using System.Globalization;
using Incidents.Api.Kpis;
using JasperFx.CommandLine;
using Marten;

namespace Incidents.Api.Security.Integrity;

public sealed class VerifyKpisInput : NetCoreInput
{
    [Description("The month to verify, yyyy-MM in the service's time zone (e.g. 2026-11)")]
    public string PeriodFlag { get; set; } = "";
}

/// <summary>
/// <c>dotnet Incidents.Api.dll verify --period 2026-11</c>: re-derives the month's KPI read models from its verified events
/// and lists every one that disagrees (<see cref="KpiVerification"/>). Exit code 0 when all agree, 1 otherwise.
/// </summary>
[Description("Re-derives a month's KPI figures from its verified events and reports every read model that disagrees", Name = "verify")]
public sealed class VerifyKpisCommand : JasperFxAsyncCommand<VerifyKpisInput>
{
    public override async Task<bool> Execute(VerifyKpisInput input)
    {
        if (!DateOnly.TryParseExact(input.PeriodFlag + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            Console.Error.WriteLine($"--period '{input.PeriodFlag}' is not a month (yyyy-MM, e.g. 2026-11).");
            return false;
        }

        using var host = input.BuildHost();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var report = await KpiVerification.VerifyMonthAsync(host.Services.GetRequiredService<IDocumentStore>(), month,
            KpiData.Zone(configuration), host.Services.GetRequiredService<ChainAnchors>().Read(), CancellationToken.None);
        Console.WriteLine(report.Ok
            ? $"OK: {report.Period}: {report.Incidents} incident(s) re-derived from verified events; every KPI row and cell agrees."
            : $"DISAGREE: {report.Period}: {report.Incidents} incident(s) re-derived; {report.Disagreements.Count} read model(s) disagree.");
        foreach (var disagreement in report.Disagreements)
        {
            Console.WriteLine($"  {disagreement.ReadModel} {disagreement.Key}: {disagreement.Reason}");
        }

        return report.Ok;
    }
}
