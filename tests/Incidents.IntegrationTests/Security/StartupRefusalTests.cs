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
    public void a_development_key_outside_development_and_testing_refuses_to_start(string environment)
    {
        var settings = new AuthSettings { DevelopmentSigningKey = DevelopmentKey };

        Should.Throw<InvalidOperationException>(() => settings.Validate(environment)).Message.ShouldContain("DevelopmentSigningKey");
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
        Should.NotThrow(() => new AuthSettings { DevelopmentSigningKey = DevelopmentKey }.Validate("Testing"));
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
