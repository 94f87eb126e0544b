using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.Contracts;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Incidents.IntegrationTests.ScaleOut;

/// <summary>
/// Issue #14: with <c>Messaging:QuorumQueues</c> on, the API and the notification worker declare every durable queue of
/// theirs as a quorum queue (replicated across a RabbitMQ cluster's nodes, docs/deployment.md). On a virtual host of the
/// test's own, created and deleted through the management API, so no classic queue of the same name is in the way.
/// </summary>
public sealed class QuorumQueueTests
{
    private static readonly string Vhost = TestServices.TestVhost + "_quorum";

    [Fact]
    public async Task with_quorum_queues_configured_every_durable_queue_of_the_api_and_the_worker_is_a_quorum_queue()
    {
        using var management = Management();
        (await management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Vhost)}")).Dispose();
        (await management.PutAsync($"vhosts/{Uri.EscapeDataString(Vhost)}", Json("{}"))).EnsureSuccessStatusCode();
        var user = new UriBuilder(TestServices.RabbitMqUri).UserName;
        (await management.PutAsync($"permissions/{Uri.EscapeDataString(Vhost)}/{Uri.EscapeDataString(user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
        var broker = TestServices.OnVhost(TestServices.RabbitMqUri, Vhost);
        var database = TestServices.TestDatabase + "_quorum";
        await TestServices.RecreateDatabaseAsync(database);
        var receipts = $"incidents.receipts.{database}";
        try
        {
            var worker = DispatchHost.Build([], builder =>
            {
                builder.Environment.EnvironmentName = "Testing";
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Urls"] = "http://127.0.0.1:0",
                    ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
                    ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
                    ["ConnectionStrings:Dispatch"] = TestServices.ConnectionStringFor(database),
                    ["ConnectionStrings:RabbitMq"] = broker,
                    [Messaging.QuorumQueuesSetting] = "true",
                });
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await worker.StartAsync();
            try
            {
                await using var api = await TestHost.StartAsync(database, new Dictionary<string, string>
                {
                    ["ConnectionStrings:RabbitMq"] = broker,
                    [Messaging.QuorumQueuesSetting] = "true",
                    // A quorum queue cannot be auto-deleted: this one is durable, and goes with the vhost.
                    ["Messaging:NotificationReceiptsAutoDelete"] = "false",
                });

                // The API publishes through the quorum queues: a report reaches the worker's paging queue and is consumed.
                var id = await IncidentsClient.For(api.CreateClient()).ReportOutageAsync($"quorum-{Guid.NewGuid():N}");
                await Eventually.GetAsync(() => QueueAsync(management, Messaging.DispatchPagesQueue),
                    q => q?["message_stats"]?["ack"]?.GetValue<long>() >= 1, TimeSpan.FromSeconds(30), $"the worker taking the page of {id}");

                var queues = (await management.GetFromJsonAsync<JsonArray>($"queues/{Uri.EscapeDataString(Vhost)}"))!
                    .Select(q => q!).ToList();
                var names = queues.Select(q => q["name"]!.GetValue<string>()).ToList();
                names.ShouldContain(Messaging.DispatchQueue);
                names.ShouldContain(Messaging.DispatchPagesQueue);
                names.ShouldContain(receipts);
                names.ShouldContain("wolverine-dead-letter-queue");
                // Wolverine's per-node reply queues are auto-deleted and expire with their node: not durable in any useful sense.
                foreach (var queue in queues.Where(q => q["durable"]!.GetValue<bool>() && !q["auto_delete"]!.GetValue<bool>()))
                {
                    queue["type"]!.GetValue<string>().ShouldBe("quorum", $"durable queue {queue["name"]} is a quorum queue");
                    queue["arguments"]!["x-queue-type"]!.GetValue<string>().ShouldBe("quorum");
                }
            }
            finally
            {
                await worker.StopAsync();
                await worker.DisposeAsync();
            }
        }
        finally
        {
            (await management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Vhost)}")).Dispose();
        }
    }

    private static async Task<JsonNode?> QueueAsync(HttpClient management, string queue)
    {
        using var response = await management.GetAsync($"queues/{Uri.EscapeDataString(Vhost)}/{Uri.EscapeDataString(queue)}");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The management HTTP API of the tests' broker (port 15672 on its host), with the tests' credentials.</summary>
    private static HttpClient Management()
    {
        var uri = new UriBuilder(TestServices.RabbitMqUri);
        var client = new HttpClient { BaseAddress = new Uri($"http://{uri.Host}:15672/api/") };
        var credentials = $"{Uri.UnescapeDataString(uri.UserName)}:{Uri.UnescapeDataString(uri.Password)}";
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }
}
