using Incidents.Dispatch.Telemetry;
using Incidents.Telemetry.Edges;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Incidents.Dispatch;

/// <summary>Builds the worker: MassTransit on RabbitMQ, the ledger in PostgreSQL, the channels and an operator endpoint.</summary>
public static class DispatchHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DispatchOptions>, DispatchOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient("dispatch", c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(Require(builder.Configuration, "ConnectionStrings:Dispatch")));
        builder.Services.AddSingleton<WorkerLiveness>();
        builder.Services.AddSingleton<DeliveryLedger>();
        builder.Services.AddSingleton<DispatchProgress>();
        builder.Services.AddSingleton<LagAlarm>();
        builder.Services.AddSingleton<PagePriority>();
        builder.Services.AddHostedService<LedgerSchema>();
        builder.Services.AddHostedService<WorkerHeartbeat>();
        builder.Services.AddSingleton<EmailSender>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<SmsSender>();
        builder.Services.AddScoped<Notifier>();
        builder.Services.AddSingleton<ErrorQueue>();
        builder.AddDispatchTelemetry();
        builder.AddOperatorAccess();

        // amqps:// is TLS; a URI without a user stops the start outside Development (issue #14, docs/security.md).
        var rabbit = BrokerAddress.Parse(builder.Configuration[BrokerAddress.Setting], builder.Environment.EnvironmentName);
        builder.Services.AddSingleton(rabbit);
        var settings = builder.Configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>() ?? new DispatchOptions();
        // Start means ready: the host waits until the bus is connected and its queue bound, so nothing published right
        // after start-up (or a readiness probe) races the topology.
        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(30);
            host.StopTimeout = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<IncidentNotificationConsumer>();
            bus.AddConsumer<IncidentPageConsumer>();
            bus.AddConsumer<SlaWarningBatchConsumer>(c => c.Options<BatchOptions>(b => b.SetMessageLimit(settings.Bulk.Batch.MessageLimit)
                .SetConcurrencyLimit(settings.Bulk.Batch.ConcurrencyLimit).SetTimeLimit(settings.Bulk.Batch.TimeLimit)));
            bus.AddConsumer<ShiftHandOffConsumer>();
            bus.UsingRabbitMq((context, rmq) =>
            {
                ConfigureHost(rmq, rabbit);
                rmq.Message<Incidents.Contracts.NotificationAttempted>(m => m.SetEntityName(settings.ReceiptsExchange));
                // Two lanes, each its own queue and consumers (docs/dispatch.md): pages are never behind bulk.
                Lane<IncidentPageConsumer>(context, rmq, settings, settings.PagesQueue, settings.PagesExchange, settings.Pages);
                Lane<IncidentNotificationConsumer>(context, rmq, settings, settings.Queue, settings.SourceExchange, settings.Bulk,
                    endpoint => endpoint.ConfigureConsumer<SlaWarningBatchConsumer>(context));
                // Hand-off notices (docs/oncall.md): their own exchange and queue, the paging lane's concurrency.
                Lane<ShiftHandOffConsumer>(context, rmq, settings, ShiftHandOffConsumer.QueueOf(settings),
                    Incidents.Contracts.Messaging.DutyEventsExchange, settings.Pages);
            });
        });

        var app = builder.Build();
        app.UseOperatorAccess();
        app.MapGet("/health/live", () => Results.Ok(new { status = "Healthy" })).AllowAnonymous();
        // Operator endpoints, admin only (OperatorAccess): poison messages MassTransit moved to <queue>_error.
        app.MapGet("/dispatch/errors", async (ErrorQueue errors, CancellationToken ct) => Results.Ok(await errors.ListAsync(ct)))
            .RequireAuthorization(OperatorAccess.Policy);
        app.MapPost("/dispatch/errors/replay", async (ErrorQueue errors, CancellationToken ct) =>
            Results.Ok(new { replayed = await errors.ReplayAsync(ct) })).RequireAuthorization(OperatorAccess.Policy);
        app.MapDispatchMetrics();
        return app;
    }

    /// <summary>
    /// One lane: a queue bound to the API's fanout exchange of that lane (bound explicitly, without MassTransit's
    /// per-message-type topology), its prefetch and concurrency, retries of transient failures.
    /// </summary>
    private static void Lane<TConsumer>(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator rmq, DispatchOptions settings,
        string queue, string exchange, LaneSettings lane, Action<IRabbitMqReceiveEndpointConfigurator>? more = null)
        where TConsumer : class, IConsumer
    {
        rmq.ReceiveEndpoint(queue, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.PrefetchCount = lane.PrefetchCount;
            // A cluster (docs/deployment.md): the lane's queue is a quorum queue (MassTransit's _error queue copies its arguments).
            if (context.GetRequiredService<IConfiguration>().GetValue(Incidents.Contracts.Messaging.QuorumQueuesSetting, false))
            {
                endpoint.SetQuorumQueue();
            }

            endpoint.ConcurrentMessageLimit = lane.ConcurrentMessageLimit;
            endpoint.Bind(exchange, x =>
            {
                x.ExchangeType = "fanout";
                x.Durable = true;
                x.AutoDelete = false;
            });
            endpoint.UseMessageRetry(retry =>
            {
                retry.Exponential(settings.RetryLimit, settings.RetryMinInterval, settings.RetryMaxInterval, settings.RetryMinInterval);
                retry.Handle<TransientDeliveryException>();
            });
            endpoint.ConfigureConsumer<TConsumer>(context);
            more?.Invoke(endpoint);
        });
    }

    internal static void ConfigureHost(IRabbitMqBusFactoryConfigurator rmq, BrokerAddress broker)
    {
        rmq.Host(broker.Host, (ushort)broker.Port, broker.VirtualHost, host =>
        {
            host.Username(broker.UserName);
            host.Password(broker.Password);
            if (broker.UseTls)
            {
                host.UseSsl(ssl => ssl.ServerName = broker.Host);
            }
        });
    }

    internal static string Require(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : throw new InvalidOperationException($"{key} is not configured.");
}
