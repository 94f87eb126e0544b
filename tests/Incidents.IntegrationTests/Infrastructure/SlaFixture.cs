using Incidents.Contracts;
using Incidents.Api.Configuration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>An API host whose SLA policy runs in seconds (<see cref="TestHost.ShortSlaPolicy"/>), on its own database.</summary>
public sealed class SlaFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_sla";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public BrokerProbe Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Broker = await BrokerProbe.BindAsync(Messaging.IncidentEventsExchange);
        Factory = await TestHost.StartAsync(Database, TestHost.ShortSlaPolicy);
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

[CollectionDefinition(Name)]
public sealed class SlaCollection : ICollectionFixture<SlaFixture>
{
    public const string Name = "sla";
}
