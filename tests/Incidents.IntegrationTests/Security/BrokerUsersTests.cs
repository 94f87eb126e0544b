using System.Diagnostics;
using System.Text;
using Incidents.Contracts;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// One broker user per service, set up by <c>infra/rabbitmq.sh users</c> on the tests' own vhost (issue #14): the worker
/// publishes receipts and nothing the API announces; the API announces and cannot forge receipts; each still starts with
/// its own user and declares what it needs.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BrokerUsersTests : IAsyncLifetime
{
    private const string ApiPassword = "incidents-api-dev";
    private const string WorkerPassword = "incidents-worker-dev";

    private static string As(string user, string password) =>
        new UriBuilder(TestServices.RabbitMqUri) { UserName = user, Password = password }.Uri.AbsoluteUri;

    /// <summary>The script once per run (rabbitmqctl takes seconds a call), not once per test.</summary>
    private static readonly Lazy<Task> Users = new(() => RunScriptAsync("users", TestServices.TestVhost));

    public async Task InitializeAsync()
    {
        await Users.Value;
        // The API's exchanges and the receipts exchange exist before anyone publishes (as once the API has started).
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-broker-users");
        await using var channel = await connection.CreateChannelAsync();
        foreach (var exchange in new[] { Messaging.IncidentPagesExchange, Messaging.IncidentEventsExchange, Messaging.NotificationReceiptsExchange })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_worker_user_cannot_publish_to_the_apis_exchanges_but_may_publish_receipts()
    {
        foreach (var exchange in new[] { Messaging.IncidentPagesExchange, Messaging.IncidentEventsExchange })
        {
            var refused = await Should.ThrowAsync<Exception>(() => PublishAsync(As("incidents-worker", WorkerPassword), exchange));
            refused.ToString().ShouldContain("ACCESS_REFUSED", customMessage: $"the worker publishing to {exchange}");
        }

        await PublishAsync(As("incidents-worker", WorkerPassword), Messaging.NotificationReceiptsExchange);
    }

    [Fact]
    public async Task the_api_user_announces_but_cannot_forge_receipts()
    {
        await PublishAsync(As("incidents-api", ApiPassword), Messaging.IncidentPagesExchange);
        var refused = await Should.ThrowAsync<Exception>(() => PublishAsync(As("incidents-api", ApiPassword), Messaging.NotificationReceiptsExchange));
        refused.ToString().ShouldContain("ACCESS_REFUSED");
    }

    [Fact]
    public async Task the_worker_and_the_api_start_with_their_own_users()
    {
        var worker = DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["ConnectionStrings:Dispatch"] = TestServices.TestDatabaseConnectionString,
                ["ConnectionStrings:RabbitMq"] = As("incidents-worker", WorkerPassword),
                ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
                ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
                ["Dispatch:Queue"] = $"incidents.dispatch.users-{TestServices.TestDatabase}",
                ["Dispatch:PagesQueue"] = $"incidents.dispatch.users-{TestServices.TestDatabase}.pages",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await worker.StartAsync();
        await worker.StopAsync();
        await worker.DisposeAsync();

        await using var api = await TestHost.StartAsync(TestServices.TestDatabase,
            new Dictionary<string, string> { ["ConnectionStrings:RabbitMq"] = As("incidents-api", ApiPassword) });
        var id = await IncidentsClient.For(api.CreateClient()).ReportOutageAsync($"broker-users-{Guid.NewGuid():N}");
        id.ShouldNotBe(Guid.Empty);
    }

    /// <summary>Publishes one message with publisher confirms, so a refusal surfaces here rather than on a later call.</summary>
    private static async Task PublishAsync(string uri, string exchange)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "incidents-tests-broker-users-probe" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(exchange, "", mandatory: false, new BasicProperties(), Encoding.UTF8.GetBytes("{}"));
    }

    private static async Task RunScriptAsync(params string[] arguments)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Incidents.sln")))
        {
            root = root.Parent;
        }

        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(root!.FullName, "infra", "rabbitmq.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var script = Process.Start(info)!;
        var errors = script.StandardError.ReadToEndAsync();
        await script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();
        script.ExitCode.ShouldBe(0, $"infra/rabbitmq.sh {string.Join(' ', arguments)}: {await errors}");
    }
}
