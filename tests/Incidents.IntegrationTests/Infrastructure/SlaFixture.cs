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

    public IncidentsClient Client(string actorId = "desk-01", string actorName = "Li Na") =>
        new(Factory.CreateClient(), actorId, actorName);

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
