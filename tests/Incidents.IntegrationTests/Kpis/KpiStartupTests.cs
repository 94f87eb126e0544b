using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>The service's time zone is checked when the API starts, not at the first KPI request.</summary>
public sealed class KpiStartupTests
{
    [Fact]
    public async Task an_unknown_time_zone_stops_the_start_with_a_message_naming_the_setting()
    {
        await using var factory = TestHost.Create(TestServices.TestDatabase, new Dictionary<string, string> { ["Kpis:TimeZone"] = "Mars/Olympus_Mons" });

        var refusal = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        refusal.Message.ShouldContain("Kpis:TimeZone 'Mars/Olympus_Mons'");
    }
}
