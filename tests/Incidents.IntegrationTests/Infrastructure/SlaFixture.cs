using Incidents.Contracts;
using Incidents.Api.Configuration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// An API host on the contract's SLA policy (outage: acknowledge 5 min, on site 1 h, restore 4 h; warnings at 50% and
/// 80%) and a test clock (<see cref="TestClock"/>), on its own database: tests move time and run the timers that fall
/// due, so no test waits for the wall clock and nothing fires behind a test's back.
/// </summary>
public sealed class SlaFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_sla";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public BrokerProbe Broker { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Broker = await BrokerProbe.BindAnnouncementsAsync();
        Factory = await TestHost.StartAsync(Database, clock: Clock.Time);
        Clock.Attach(Factory, Database);
    }

    /// <summary>A client signed in with a token for this user and role (hotline unless said otherwise).</summary>
    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline", string? team = null) =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role, team);

    /// <summary>A client without a token.</summary>
    public IncidentsClient Anonymous() => new(Factory.CreateClient(), null);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>Tests on the test clock's host: one at a time, since they share its clock.</summary>
[CollectionDefinition(Name)]
public sealed class SlaCollection : ICollectionFixture<SlaFixture>
{
    public const string Name = "sla";
}
