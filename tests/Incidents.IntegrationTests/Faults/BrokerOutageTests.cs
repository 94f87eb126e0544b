using System.Net;
using Incidents.Contracts;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// Issue #14: the broker stopped while the desk keeps reporting. Every report is accepted (the announcements wait in the
/// API's outbox in PostgreSQL), and once the broker is back every new outage is mailed exactly once (by the notification
/// worker, to an SMTP server process) and its receipt recorded. On a RabbitMQ node of the test's own, stopped and started
/// by the test, with the API and the worker in-process on a database of the test's own.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BrokerOutageTests
{
    private const int BeforeOutage = 4;
    private const int DuringOutage = 4;

    private static string Database => TestServices.TestDatabase + "_broker_outage";

    [Fact]
    public async Task reports_made_while_the_broker_is_down_are_accepted_and_each_is_notified_once_when_it_returns()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        await using var broker = await ScratchRabbitMq.StartAsync();
        await using var smtp = await SmtpSinkProcess.StartAsync();
        var system = $"broker-outage-{Guid.NewGuid():N}";
        var worker = DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
                ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
                ["ConnectionStrings:Dispatch"] = TestServices.ConnectionStringFor(Database),
                ["ConnectionStrings:RabbitMq"] = broker.Uri,
                ["Dispatch:Smtp:Host"] = "127.0.0.1",
                ["Dispatch:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Dispatch:RetryMinInterval"] = "00:00:00.200",
                ["Dispatch:RetryMaxInterval"] = "00:00:01",
                ["Dispatch:Rules:0:On"] = NotificationTriggers.IncidentOpened,
                ["Dispatch:Rules:0:Systems:0"] = system,
                ["Dispatch:Rules:0:Recipients:0"] = "purchaser-contact",
                ["Dispatch:Recipients:purchaser-contact:Name"] = "医保局联系人",
                ["Dispatch:Recipients:purchaser-contact:Email"] = "purchaser@example.org",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await worker.StartAsync();
        try
        {
            await using var api = await TestHost.StartAsync(Database, new Dictionary<string, string>
            {
                ["ConnectionStrings:RabbitMq"] = broker.Uri,
                // The receipts queue must outlive the outage (an auto-deleted one goes with the API's lost connection).
                ["Messaging:NotificationReceiptsAutoDelete"] = "false",
            });
            var desk = IncidentsClient.For(api.CreateClient());
            var ids = new List<Guid>();
            for (var i = 0; i < BeforeOutage; i++)
            {
                ids.Add(await desk.ReportOutageAsync(system));
            }

            // The notices of the reports before the outage are out and receipted first: the test is about what is reported
            // while the broker is away (a receipt in flight at the stop is another matter, docs/deployment.md).
            var reader = IncidentsClient.For(api.CreateClient(), "supervisor-01", role: "supervisor");
            foreach (var id in ids)
            {
                await DeliveredAsync(reader, id, "before the outage");
            }

            await broker.DownAsync();
            for (var i = 0; i < DuringOutage; i++)
            {
                using var response = await desk.ReportAsync(IncidentsClient.OutageReport(system));
                response.StatusCode.ShouldBe(HttpStatusCode.Created, "a report is accepted while the broker is down: " +
                                                                     await response.Content.ReadAsStringAsync());
                ids.Add((await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>());
            }

            await broker.UpAsync();
            foreach (var id in ids)
            {
                await DeliveredAsync(reader, id, "after the broker returned");
            }

            // Nothing is in flight any more: the outbox is empty and no queue holds a message, so no late copy can follow.
            await Eventually.GetAsync(() => OutboxAsync(), n => n == 0, TimeSpan.FromSeconds(60), "the API's outbox drained");
            var lanes = new[] { Messaging.DispatchQueue, Messaging.DispatchPagesQueue, $"incidents.receipts.{Database}" };
            await Eventually.GetAsync(async () => (await broker.QueuesAsync()).Where(q => lanes.Contains(q.Key)).Sum(q => q.Value),
                n => n == 0, TimeSpan.FromSeconds(60), "the worker's queues and the receipts queue drained");

            foreach (var id in ids)
            {
                smtp.For(id).Where(m => m.Trigger == NotificationTriggers.IncidentOpened).ShouldHaveSingleItem($"{id} is mailed once");
                var delivered = (await reader.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
                    .Count(e => e!["type"]!.GetValue<string>() == "notification-delivered");
                delivered.ShouldBe(1, $"one receipt for {id}");
            }
        }
        finally
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
        }
    }

    private static Task DeliveredAsync(IncidentsClient reader, Guid id, string when) => Eventually.GetAsync(
        async () => (await reader.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
            .Count(e => e!["type"]!.GetValue<string>() == "notification-delivered"),
        n => n >= 1, TimeSpan.FromSeconds(120), $"the opening of {id} mailed and receipted {when}");

    private static async Task<long> OutboxAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from incidents.wolverine_outgoing_envelopes", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
