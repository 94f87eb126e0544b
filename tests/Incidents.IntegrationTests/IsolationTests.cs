using Incidents.Api.Configuration;
using Incidents.Contracts;
using Incidents.IntegrationTests.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.RabbitMQ.Internal;
using Wolverine.Runtime;

namespace Incidents.IntegrationTests;

/// <summary>
/// Issue #16, isolation: the suite runs on its own RabbitMQ vhost and database, so a development system started by
/// scripts/run.sh (vhost "/", database "incidents") never receives the tests' messages, and they never receive its.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IsolationTests(ApiFixture api, DispatchFixture dispatch) : IClassFixture<DispatchFixture>
{
    private const string DevelopmentVhost = "/";

    [Fact]
    public void the_api_host_and_the_notification_worker_of_the_tests_use_the_test_vhost_and_database()
    {
        TestServices.TestVhost.ShouldNotBe(DevelopmentVhost);
        TestServices.VhostOf(TestServices.RabbitMqUri).ShouldBe(TestServices.TestVhost);
        TestServices.TestDatabase.ShouldNotBe("incidents");

        var apiSettings = api.Factory.Services.GetRequiredService<IConfiguration>();
        TestServices.VhostOf(apiSettings["ConnectionStrings:RabbitMq"]!).ShouldBe(TestServices.TestVhost);
        new Npgsql.NpgsqlConnectionStringBuilder(apiSettings["ConnectionStrings:Marten"]).Database.ShouldBe(TestServices.TestDatabase);
        var wolverine = api.Factory.Services.GetRequiredService<IWolverineRuntime>().Options.Transports.GetOrCreate<RabbitMqTransport>();
        wolverine.ConnectionFactory!.VirtualHost.ShouldBe(TestServices.TestVhost, "the connection Wolverine publishes and listens on");

        var workerSettings = dispatch.WorkerServices.GetRequiredService<IConfiguration>();
        TestServices.VhostOf(workerSettings["ConnectionStrings:RabbitMq"]!).ShouldBe(TestServices.TestVhost);
        new Npgsql.NpgsqlConnectionStringBuilder(workerSettings["ConnectionStrings:Dispatch"]).Database.ShouldBe(TestServices.TestDatabase);
        // MassTransit's bus address names its vhost: rabbitmq://host:port/<vhost>/<endpoint>.
        dispatch.WorkerServices.GetRequiredService<IBus>().Address.AbsolutePath.ShouldStartWith($"/{TestServices.TestVhost}/");
    }

    [Fact]
    public async Task what_the_tests_announce_and_receipt_never_reaches_the_development_vhost()
    {
        // Listen on the development vhost as its API and worker would: the incident announcements and the receipts.
        var development = TestServices.OnVhost(TestServices.RabbitMqUri, DevelopmentVhost);
        await using var announcements = await BrokerProbe.BindAnnouncementsAsync(development);
        await using var receipts = await BrokerProbe.BindAsync(Messaging.NotificationReceiptsExchange, development);

        var id = await api.Client().ReportOutageAsync(DispatchFixture.System("outage"));
        await api.Broker.WaitForAsync(id, m => m.Count >= 1);
        await dispatch.Receipts.WaitForAsync(id, r => r.Count >= 1, TimeSpan.FromSeconds(30));
        // Both arrived on the tests' vhost; a message is published on one vhost only, so by now nothing is on its way to
        // the development vhost either (no wait needed to prove its absence).

        announcements.For(id).ShouldBeEmpty("the development worker must not hear the tests' incidents");
        receipts.For(id).ShouldBeEmpty("the development API must not record the tests' receipts");
    }
}
