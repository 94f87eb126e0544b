using System.Collections.Concurrent;
using System.Text;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using netDumbster.smtp;
using RabbitMQ.Client;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>A webhook call the local receiver got.</summary>
public sealed record WebhookCall(string Path, string Body, string? Signature);

/// <summary>
/// The notification worker in-process on real RabbitMQ and PostgreSQL, with an in-process SMTP server (netDumbster)
/// and a local HTTP receiver for webhooks (path /fail answers 503), all on random loopback ports.
/// </summary>
public sealed class DispatchFixture : IAsyncLifetime
{
    public const string WebhookSecret = "tests-webhook-secret";

    public string Queue { get; } = $"incidents.dispatch.{TestServices.TestDatabase}";

    /// <summary>The worker's paging lane (issue #16).</summary>
    public string PagesQueue => Queue + ".pages";

    /// <summary>
    /// The affected system of this run's test incidents: every test run's worker hears every run's API (one shared
    /// exchange), so the rules only match systems of this run.
    /// </summary>
    public static string System(string name) => $"dispatch-{name}-{TestServices.TestDatabase}";

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    public ConcurrentQueue<WebhookCall> Webhooks { get; } = new();

    public BrokerProbe Receipts { get; private set; } = null!;

    /// <summary>The messages the worker has been through, by message id (every worker this fixture starts).</summary>
    public ConsumedMessages Consumed { get; } = new();

    /// <summary>A client for the worker's operator endpoints.</summary>
    public HttpClient Operator { get; private set; } = null!;

    private WebApplication _receiver = null!;
    private WebApplication _worker = null!;

    /// <summary>The running worker's services (its configuration, its bus).</summary>
    public IServiceProvider WorkerServices => _worker.Services;

    public async Task InitializeAsync()
    {
        Smtp = Configuration.Configure().WithRandomPort().Build();

        var receiverBuilder = WebApplication.CreateBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        var receiver = receiverBuilder.Build();
        receiver.MapPost("/{**path}", async Task<IResult> (HttpContext http, string path) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            Webhooks.Enqueue(new WebhookCall("/" + path, await reader.ReadToEndAsync(),
                path == "sms" ? http.Request.Headers.Authorization.ToString() : http.Request.Headers["X-Incidents-Signature"].ToString()));
            return path == "fail" ? Results.StatusCode(503) : Results.Ok();
        });
        await receiver.StartAsync();
        _receiver = receiver;
        var hooks = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await PurgeAsync();
        Receipts = await BrokerProbe.BindAsync("Incidents.Contracts:NotificationAttempted");

        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Dispatch"] = TestServices.TestDatabaseConnectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
            ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
            ["Dispatch:Queue"] = Queue,
            ["Dispatch:PagesQueue"] = PagesQueue,
            ["Dispatch:RetryLimit"] = "2",
            ["Dispatch:RetryMinInterval"] = "00:00:00.100",
            ["Dispatch:RetryMaxInterval"] = "00:00:00.500",
            ["Dispatch:Smtp:Host"] = "127.0.0.1",
            // netDumbster serves one SMTP session at a time: a connection kept open would hold the next one back.
            ["Dispatch:Smtp:ReuseConnections"] = "false",
            ["Dispatch:Smtp:Port"] = Smtp.Configuration.Port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Dispatch:Rules:0:On"] = "incident-opened",
            ["Dispatch:Rules:0:Classes:0"] = "outage",
            ["Dispatch:Rules:0:Systems:0"] = System("outage"),
            ["Dispatch:Rules:0:Systems:1"] = System("drill"),
            ["Dispatch:Rules:0:Recipients:0"] = "purchaser-contact",
            ["Dispatch:Rules:1:On"] = "incident-opened",
            ["Dispatch:Rules:1:Classes:0"] = "fault",
            ["Dispatch:Rules:1:Systems:0"] = System("fault"),
            ["Dispatch:Rules:1:Recipients:0"] = "flaky-robot",
            ["Dispatch:Rules:2:On"] = "incident-opened",
            ["Dispatch:Rules:2:Classes:0"] = "security-event",
            ["Dispatch:Rules:2:Systems:0"] = System("security"),
            ["Dispatch:Rules:2:Recipients:0"] = "security-lead",
            ["Dispatch:Rules:3:On"] = "sla-warning",
            ["Dispatch:Rules:3:Systems:0"] = System("outage"),
            ["Dispatch:Rules:3:Recipients:0"] = "purchaser-contact",
            ["Dispatch:Recipients:purchaser-contact:Name"] = "医保局联系人",
            ["Dispatch:Recipients:purchaser-contact:Email"] = "purchaser@example.org",
            ["Dispatch:Recipients:purchaser-contact:Webhooks:0:Kind"] = "generic",
            ["Dispatch:Recipients:purchaser-contact:Webhooks:0:Url"] = hooks + "/ok",
            ["Dispatch:Recipients:purchaser-contact:Webhooks:0:Secret"] = WebhookSecret,
            ["Dispatch:Recipients:flaky-robot:Name"] = "Flaky robot",
            ["Dispatch:Recipients:flaky-robot:Webhooks:0:Kind"] = "wecom",
            ["Dispatch:Recipients:flaky-robot:Webhooks:0:Url"] = hooks + "/fail",
            ["Dispatch:Recipients:security-lead:Name"] = "Security lead",
            ["Dispatch:Recipients:security-lead:Language"] = "en",
            ["Dispatch:Recipients:security-lead:Email"] = "security@example.org",
            // Named only by escalation levels: an SMS through the gateway and a Feishu robot.
            ["Dispatch:Recipients:project-manager:Name"] = "项目经理",
            ["Dispatch:Recipients:project-manager:Phone"] = "+8613800000000",
            ["Dispatch:Recipients:project-manager:Webhooks:0:Kind"] = "feishu",
            ["Dispatch:Recipients:project-manager:Webhooks:0:Url"] = hooks + "/feishu",
            ["Dispatch:Sms:Url"] = hooks + "/sms",
            ["Dispatch:Sms:ApiKey"] = "tests-sms-key",
        };
        _settings = settings;
        await StartWorkerAsync();
    }

    private Dictionary<string, string?> _settings = [];

    private async Task StartWorkerAsync()
    {
        _worker = DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(_settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        _worker.Services.GetRequiredService<MassTransit.IBus>().ConnectConsumeObserver(Consumed);
        await _worker.StartAsync();
        await WaitForConsumerAsync();
        Operator?.Dispose();
        Operator = new HttpClient { BaseAddress = new Uri(_worker.Urls.First()) };
        // The operator endpoints are for admins (issue #14); the tests operate as one.
        Operator.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("admin", "admin-ops", "Operator"));
    }

    /// <summary>Stops the worker (as a crash or a deployment would), runs <paramref name="whileDown"/>, starts a new one.</summary>
    public async Task RestartWorkerAsync(Func<Task> whileDown)
    {
        await _worker.StopAsync();
        await _worker.DisposeAsync();
        await whileDown();
        await StartWorkerAsync();
    }

    /// <summary>Mails received for an incident (by the X-Incident-Id header), parsed.</summary>
    public IReadOnlyList<MimeMessage> MailsFor(Guid incidentId) => Smtp.ReceivedEmail
        .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))
        .Where(m => m.Headers["X-Incident-Id"] == incidentId.ToString())
        .ToList();

    /// <summary>Puts a message on the worker's queue the way Wolverine's MassTransit interop does (for redelivery tests).</summary>
    public async Task SendRawAsync(string messageType, object message, Guid messageId, string? queue = null)
    {
        var envelope = new
        {
            messageId,
            messageType = new[] { $"urn:message:Incidents.Contracts:{messageType}" },
            message,
            headers = new Dictionary<string, object>(),
        };
        await SendBytesAsync(global::System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(envelope, IncidentsClient.Json), messageId, queue);
    }

    /// <summary>Puts raw bytes on the worker's queue as a MassTransit JSON message.</summary>
    public async Task SendBytesAsync(byte[] body, Guid messageId, string? queue = null)
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-dispatch");
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = messageId.ToString(), Persistent = true };
        await channel.BasicPublishAsync("", queue ?? Queue, mandatory: true, properties, body);
    }

    /// <summary>The tests put messages straight on the worker's queues: they must exist and be consumed first.</summary>
    private async Task WaitForConsumerAsync()
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-dispatch");
        foreach (var queue in new[] { Queue, PagesQueue })
        {
            await Eventually.GetAsync(async () =>
            {
                await using var channel = await connection.CreateChannelAsync();
                try
                {
                    return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    return 0u;
                }
            }, consumers => consumers > 0, TimeSpan.FromSeconds(30), "the worker consuming its queue");
        }
    }

    private async Task PurgeAsync()
    {
        await using var connection = await TestServices.ConnectToBrokerAsync("incidents-tests-dispatch");
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in new[] { Queue, Queue + "_error", PagesQueue, PagesQueue + "_error" })
        {
            try
            {
                await channel.QueueDeleteAsync(queue);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // not there yet
            }
        }
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        await _worker.StopAsync();
        await _worker.DisposeAsync();
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
        Smtp.Dispose();
        await Receipts.DisposeAsync();
        await PurgeAsync();
    }
}
