using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>Builds API hosts on a given test database, with extra settings (a short SLA policy, for instance).</summary>
public static class TestHost
{
    /// <summary>One id per test process: the anchor logs of this run are apart from every earlier run's.</summary>
    private static readonly string RunId = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}";

    /// <summary>A policy in seconds, so clocks can be watched running out without waiting minutes.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShortSlaPolicy = new Dictionary<string, string>
    {
        ["Sla:Policy:Name"] = "tests-short",
        ["Sla:Policy:Version"] = "1",
        ["Sla:Policy:WarningFractions:0"] = "0.5",
        ["Sla:Policy:WarningFractions:1"] = "0.8",
        ["Sla:Policy:Targets:0:Class"] = "outage",
        ["Sla:Policy:Targets:0:Acknowledge"] = "PT2S",
        ["Sla:Policy:Targets:0:OnSite"] = "PT4S",
        ["Sla:Policy:Targets:0:Restore"] = "PT6S",
        ["Sla:Policy:Targets:1:Class"] = "major-event",
        ["Sla:Policy:Targets:1:Acknowledge"] = "PT1S",
        ["Sla:Policy:Targets:1:OnSite"] = "PT4S",
        ["Sla:Policy:Targets:1:Restore"] = "PT6S",
        ["Sla:Policy:Targets:2:Class"] = "fault",
        ["Sla:Policy:Targets:2:Acknowledge"] = "PT2S",
        ["Sla:Policy:Targets:2:OnSite"] = "PT4S",
        ["Sla:Policy:Targets:3:Class"] = "security-event",
        ["Sla:Policy:Targets:3:Acknowledge"] = "PT2S",
        ["Sla:CheckPollingInterval"] = "00:00:00.200",
    };

    /// <summary>The systems drills may run on in tests: the production defaults and one per drill test.</summary>
    public static readonly IReadOnlyList<string> DrillSystems =
    [
        "medical-insurance-settlement", "claims-analysis-portal", "cloud-platform", "data-warehouse",
        .. Enumerable.Range(1, 20).Select(i => $"drill-test-{i}"),
    ];

    /// <param name="clock">The host's <see cref="TimeProvider"/> instead of the system clock: a test clock (<see cref="TestClock"/>).</param>
    public static WebApplicationFactory<Program> Create(string database, IReadOnlyDictionary<string, string>? settings = null,
        TimeProvider? clock = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Marten", TestServices.ConnectionStringFor(database));
            web.UseSetting("ConnectionStrings:RabbitMq", TestServices.RabbitMqUri);
            // Each test run reads the notification worker's receipts on a queue of its own (issue #4).
            web.UseSetting("Messaging:NotificationReceiptsQueue", $"incidents.receipts.{database}");
            web.UseSetting("Messaging:NotificationReceiptsAutoDelete", "true");
            web.UseSetting("Auth:DevelopmentSigningKey", TestTokens.SigningKey);
            // The anchor log of this test run and database: a log left by an earlier run would name streams of a database
            // the suite has since recreated (every one "deleted since the anchor").
            web.UseSetting("Integrity:Anchors:Directory", Path.Combine(Path.GetTempPath(), "incidents-tests-anchors", RunId, database));
            // Testing is not Development: the public key needs the explicit switch, which the host warns about at start.
            web.UseSetting("Auth:AllowDevelopmentKeyOutsideDevelopment", "true");
            // Some tests stand in for callers on other machines (metrics access); DevelopmentKeyTests turns this off again.
            web.UseSetting("Auth:AllowDevelopmentKeyFromNetwork", "true");
            // The suite writes fast from few users; the rate-limit tests start their own host with small limits.
            web.UseSetting("RateLimits:Writes:TokenLimit", "100000");
            web.UseSetting("RateLimits:Writes:TokensPerPeriod", "100000");
            web.UseSetting("RateLimits:ExpensiveReads:TokenLimit", "100000");
            web.UseSetting("RateLimits:ExpensiveReads:TokensPerPeriod", "100000");
            web.UseSetting("RateLimits:IntakeKeyFailures:TokenLimit", "100000");
            // Drills need a known system each; tests keep their drills apart by using systems of their own.
            foreach (var (system, index) in DrillSystems.Select((s, i) => (s, i)))
            {
                web.UseSetting($"Drills:Systems:{index}", system);
            }

            // Escalation is off unless a test asks for chains (EscalationTests): its notices would otherwise race the
            // steps of tests about other things.
            web.UseSetting("Escalation:Policy:None", "true");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            if (clock is not null)
            {
                // Registered after the API's own TimeProvider.System, so every endpoint and handler gets this one.
                web.ConfigureTestServices(services => services.AddSingleton(clock));
            }
        });
    }

    /// <summary>Starts the host now, so a test's own timeouts do not pay for the start-up.</summary>
    public static async Task<WebApplicationFactory<Program>> StartAsync(string database, IReadOnlyDictionary<string, string>? settings = null,
        TimeProvider? clock = null)
    {
        var factory = Create(database, settings, clock);
        using var client = factory.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        return factory;
    }
}
