using Incidents.Contracts;
using Incidents.Api.Configuration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// One API host for the whole integration collection, on real PostgreSQL (a fresh test database) and real RabbitMQ,
/// plus a probe queue bound to the API's exchange. Tests keep their data apart by using their own incidents and
/// systems, so no reset is needed between them.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not started.");

    public BrokerProbe Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestServices.RecreateTestDatabaseAsync();
        Broker = await BrokerProbe.BindAnnouncementsAsync();

        _factory = await TestHost.StartAsync(TestServices.TestDatabase);
    }

    /// <summary>A client signed in with a token for this user and role (hotline unless said otherwise).</summary>
    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline", string? team = null) =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role, team);

    /// <summary>A client without a token.</summary>
    public IncidentsClient Anonymous() => new(Factory.CreateClient(), null);

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
