using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.OnCall;

/// <summary>
/// An API host on its own database and the test clock, whose outage chain targets roles, not names:
/// level 1 the duty engineer (5 min), level 2 the security lead (nobody holds it: a gap), level 3 the project manager.
/// </summary>
public sealed class OnDutyFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_oncall";

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>(TestHost.ShortSlaPolicy)
    {
        ["Escalation:Policy:None"] = "false",
        ["Escalation:Policy:Chains:0:Class"] = "outage",
        ["Escalation:Policy:Chains:0:Repeats"] = "0",
        ["Escalation:Policy:Chains:0:Levels:0:Name"] = "duty engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Recipients:0"] = "role:duty-engineer",
        ["Escalation:Policy:Chains:0:Levels:0:Wait"] = "PT5M",
        ["Escalation:Policy:Chains:0:Levels:1:Name"] = "security lead",
        ["Escalation:Policy:Chains:0:Levels:1:Recipients:0"] = "role:security-lead",
        ["Escalation:Policy:Chains:0:Levels:1:Wait"] = "PT5M",
        ["Escalation:Policy:Chains:0:Levels:2:Name"] = "project manager",
        ["Escalation:Policy:Chains:0:Levels:2:Recipients:0"] = "project-manager",
        ["Escalation:Policy:Chains:0:Levels:2:Wait"] = "PT10M",
    };

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public BrokerProbe Broker { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Broker = await BrokerProbe.BindAnnouncementsAsync();
        Factory = await TestHost.StartAsync(Database, Settings, Clock.Time);
        Clock.Attach(Factory, Database);
    }

    public IncidentsClient Client(string role, string actorId = "user-01", string name = "Test User") =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role);

    public IncidentsClient Admin => Client("admin", "admin-01", "Ma Lin");

    public IncidentsClient DutyManager => Client("duty-manager", "duty-01", "Gao Min");

    public IncidentsClient Desk => Client("hotline", "desk-01", "Li Na");

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Broker.DisposeAsync();
    }

    /// <summary>Registers a person (ids get a suffix so tests on this host stay apart) and returns the id.</summary>
    public async Task<string> PersonAsync(string id, string name, string role, string? email = null)
    {
        var response = await Admin.Http.PostAsJsonAsync("/api/v1/people", new
        {
            id, name, team = "Cloud platform", roles = new[] { role },
            contacts = new { mobile = "13812345678", email = email ?? $"{id}@example.org", weCom = $"wc-{id}" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    public static async Task<JsonNode> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }
}
