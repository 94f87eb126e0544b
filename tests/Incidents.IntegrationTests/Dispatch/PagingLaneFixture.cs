using System.Text.Json;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// A notification worker of its own (issue #16) on its own two queues, delivering to an SMTP server that runs as a
/// separate process. Its receipts go to an exchange of its own (<see cref="ReceiptsExchange"/>), read by a probe: ten
/// thousand bulk receipts would otherwise keep every API host of the test run busy recording receipts for incidents it
/// does not know.
/// </summary>
public sealed class PagingLaneFixture : IAsyncLifetime
{
    public string Queue { get; } = $"incidents.dispatch.{TestServices.TestDatabase}.backlog";

    public string PagesQueue => Queue + ".pages";

    public string ReceiptsExchange { get; } = $"incidents.receipts.{TestServices.TestDatabase}.backlog";

    public static string System { get; } = DispatchFixture.System("backlog");

    /// <summary>Warnings about this system go to a mailbox the SMTP server refuses (550): a permanent failure.</summary>
    public static string RefusedSystem { get; } = DispatchFixture.System("backlog-refused");

    /// <summary>The message ids the worker has finished consuming (handled or faulted).</summary>
    public ConsumedMessages Consumed { get; } = new();

    public SmtpSinkProcess Smtp { get; private set; } = null!;

    public BrokerProbe Receipts { get; private set; } = null!;

    private WebApplication _worker = null!;

    public async Task InitializeAsync()
    {
        Smtp = await SmtpSinkProcess.StartAsync();
        await DeleteQueuesAsync();
        Receipts = await BrokerProbe.BindAsync(ReceiptsExchange);
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Dispatch"] = TestServices.TestDatabaseConnectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
            ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
            ["Dispatch:Queue"] = Queue,
            ["Dispatch:PagesQueue"] = PagesQueue,
            ["Dispatch:ReceiptsExchange"] = ReceiptsExchange,
            ["Dispatch:Smtp:Host"] = "127.0.0.1",
            ["Dispatch:Smtp:Port"] = Smtp.Port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Dispatch:LagAlert:Interval"] = "00:00:01",
            ["Dispatch:Rules:0:On"] = "incident-opened",
            ["Dispatch:Rules:0:Systems:0"] = System,
            ["Dispatch:Rules:0:Recipients:0"] = "purchaser-contact",
            ["Dispatch:Rules:1:On"] = "sla-warning",
            ["Dispatch:Rules:1:Systems:0"] = System,
            ["Dispatch:Rules:1:Recipients:0"] = "purchaser-contact",
            ["Dispatch:Rules:2:On"] = "sla-warning",
            ["Dispatch:Rules:2:Systems:0"] = RefusedSystem,
            ["Dispatch:Rules:2:Recipients:0"] = "gone-reader",
            ["Dispatch:Recipients:gone-reader:Name"] = "Left the company",
            ["Dispatch:Recipients:gone-reader:Email"] = "rejected@example.org",
            ["Dispatch:Recipients:purchaser-contact:Name"] = "医保局联系人",
            ["Dispatch:Recipients:purchaser-contact:Email"] = "purchaser@example.org",
            ["Dispatch:Recipients:duty-engineer:Name"] = "值班工程师",
            ["Dispatch:Recipients:duty-engineer:Email"] = "duty@example.org",
        };
        _worker = DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _worker.StartAsync();
        _worker.Services.GetRequiredService<MassTransit.IBus>().ConnectConsumeObserver(Consumed);
    }

    /// <summary>Puts messages straight on one of the worker's queues, as Wolverine's MassTransit interop would publish them.</summary>
    public async Task SendRawAsync(string queue, string messageType, IEnumerable<object> messages) =>
        await SendRawAsync(queue, messageType, messages.Select(m => (Guid.NewGuid(), m)));

    /// <summary>Puts messages with the given message ids on one of the worker's queues (a copy: the same id again).</summary>
    public async Task SendRawAsync(string queue, string messageType, IEnumerable<(Guid Id, object Message)> messages)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-backlog");
        await using var channel = await connection.CreateChannelAsync();
        foreach (var (id, message) in messages)
        {
            var envelope = new
            {
                messageId = id,
                messageType = new[] { $"urn:message:Incidents.Contracts:{messageType}" },
                message,
                headers = new Dictionary<string, object>(),
            };
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = id.ToString(), Persistent = true };
            await channel.BasicPublishAsync("", queue, mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(envelope, IncidentsClient.Json));
        }
    }

    /// <summary>Messages ready on a queue (not yet taken by the worker).</summary>
    public async Task<uint> ReadyAsync(string queue)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-backlog");
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    private async Task DeleteQueuesAsync()
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-backlog");
        foreach (var queue in new[] { Queue, PagesQueue, Queue + "_error", PagesQueue + "_error" })
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                await channel.QueueDeleteAsync(queue);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // not there
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        await _worker.DisposeAsync();
        await Receipts.DisposeAsync();
        await Smtp.DisposeAsync();
        await DeleteQueuesAsync();
    }
}
