using Incidents.Api.Security;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Telemetry.Edges;

namespace Incidents.IntegrationTests.Security;

/// <summary>No configuration leaves the API open or lets development tokens into production.</summary>
public sealed class StartupRefusalTests
{
    private const string DevelopmentKey = "incidents-local-development-signing-key-not-a-secret-0001";

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void a_development_key_outside_development_refuses_to_start_without_the_explicit_switch(string environment)
    {
        var settings = new AuthSettings { DevelopmentSigningKey = DevelopmentKey };

        Should.Throw<InvalidOperationException>(() => settings.Validate(environment)).Message
            .ShouldContain("Auth:AllowDevelopmentKeyOutsideDevelopment");
    }

    [Fact]
    public void the_switch_admits_the_development_key_in_testing_but_never_in_production()
    {
        var settings = new AuthSettings { DevelopmentSigningKey = DevelopmentKey, AllowDevelopmentKeyOutsideDevelopment = true };

        Should.NotThrow(() => settings.Validate("Testing"));
        Should.Throw<InvalidOperationException>(() => settings.Validate("Production")).Message.ShouldContain("DevelopmentSigningKey");
    }

    [Fact]
    public void accepting_the_development_key_outside_development_is_logged_as_a_warning_at_start()
    {
        var log = new WarningsLog();
        BearerTokens.WarnAboutDevelopmentKey(
            new AuthSettings { DevelopmentSigningKey = DevelopmentKey, AllowDevelopmentKeyOutsideDevelopment = true }, log, "Testing");

        log.Warnings.ShouldContain(w => w.Contains("DEVELOPMENT TOKENS ARE ACCEPTED IN THE 'Testing' ENVIRONMENT"));
    }

    private sealed class WarningsLog : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public void no_authority_and_no_development_key_refuses_to_start(string environment)
    {
        Should.Throw<InvalidOperationException>(() => new AuthSettings().Validate(environment)).Message.ShouldContain("Auth:Authority");
    }

    [Fact]
    public void a_short_development_key_or_both_kinds_at_once_refuse_to_start()
    {
        Should.Throw<InvalidOperationException>(() => new AuthSettings { DevelopmentSigningKey = "short" }.Validate("Development"));
        Should.Throw<InvalidOperationException>(() =>
            new AuthSettings { DevelopmentSigningKey = DevelopmentKey, Authority = "https://login.example.org" }.Validate("Development"));
    }

    [Fact]
    public void an_authority_in_production_and_a_development_key_in_development_start()
    {
        Should.NotThrow(() => new AuthSettings { Authority = "https://login.example.org/realms/ops" }.Validate("Production"));
        Should.NotThrow(() => new AuthSettings { DevelopmentSigningKey = DevelopmentKey }.Validate("Development"));
        Should.NotThrow(() => new AuthSettings { DevelopmentSigningKey = DevelopmentKey, AllowDevelopmentKeyOutsideDevelopment = true }
            .Validate("Testing"));
    }

    [Fact]
    public async Task an_escalation_chain_that_makes_no_sense_stops_the_start_with_the_problems_named()
    {
        var settings = new Dictionary<string, string>
        {
            ["Escalation:Policy:None"] = "false",
            ["Escalation:Policy:Chains:0:Class"] = "outage",
            ["Escalation:Policy:Chains:0:Levels:0:Name"] = "duty engineer",
            ["Escalation:Policy:Chains:0:Levels:0:Wait"] = "PT0S",
        };

        var refused = await Should.ThrowAsync<Exception>(async () => await (await TestHost.StartAsync(TestServices.TestDatabase, settings)).DisposeAsync());
        refused.Message.ShouldContain("Escalation:Policy: Level 1 of class Outage needs at least one recipient, none blank.");
        refused.Message.ShouldContain("Escalation:Policy: Level 1 of class Outage waits 00:00:00");
    }
}
