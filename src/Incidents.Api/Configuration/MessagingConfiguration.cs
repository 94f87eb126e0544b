using Incidents.Api.Clocks;
using Incidents.Contracts;
using Incidents.Telemetry.Edges;
using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.RabbitMQ;
using Wolverine.RabbitMQ.Internal;

namespace Incidents.Api.Configuration;

public static class MessagingConfiguration
{
    /// <summary>Wolverine's default name of the queue RabbitMQ dead-letters the API's failed messages to.</summary>
    private const string WolverineDeadLetterQueue = "wolverine-dead-letter-queue";

    /// <summary>
    /// Wolverine: durable outbox (envelopes stored in PostgreSQL with the events), RabbitMQ as the broker, and
    /// integration messages published to one fanout exchange in MassTransit's envelope format.
    /// </summary>
    public static void ConfigureIncidentsMessaging(this WolverineOptions options, IConfiguration configuration, IHostEnvironment environment)
    {
        var isDevelopment = environment.IsDevelopment();
        options.ServiceName = "incidents-api";

        // Handlers and endpoints live in this assembly: say so, rather than rely on whichever assembly started the
        // process (a test or benchmark host would otherwise make Wolverine scan the wrong one and find no handler).
        options.ApplicationAssembly = typeof(MessagingConfiguration).Assembly;
        options.UseRuntimeCompilation();
        options.CodeGeneration.TypeLoadMode = configuration.GetValue("Wolverine:TypeLoadMode", TypeLoadMode.Auto);

        // amqps:// is TLS; a URI without a user stops the start outside Development (issue #14, docs/security.md).
        var rabbit = BrokerAddress.Parse(configuration[BrokerAddress.Setting], environment.EnvironmentName).ToUri();
        // Two lanes (docs/dispatch.md): pages (new incidents, escalation levels, breaches, the lifecycle steps people act
        // on) on their own exchange, which the worker reads on its own queue with its own consumers, so a backlog of bulk
        // notices (SLA warnings) never holds a page back. Both are declared here with the worker's arguments (fanout, durable).
        var transport = options.UseRabbitMq(rabbit)
            .AutoProvision()
            .DeclareExchange(Messaging.IncidentEventsExchange, exchange =>
            {
                exchange.ExchangeType = ExchangeType.Fanout;
                exchange.IsDurable = true;
            })
            .DeclareExchange(Messaging.IncidentPagesExchange, exchange =>
            {
                exchange.ExchangeType = ExchangeType.Fanout;
                exchange.IsDurable = true;
            });

        // A cluster (docs/deployment.md): every durable queue the API declares is replicated as a quorum queue.
        var quorum = configuration.GetValue(Messaging.QuorumQueuesSetting, false);
        if (quorum)
        {
            transport.UseQuorumQueues();
            // Wolverine's own dead-letter queue is durable too (its per-node reply queues are not: they expire with the node).
            transport.CustomizeDeadLetterQueueing(new DeadLetterQueue(WolverineDeadLetterQueue)
            {
                ConfigureQueue = queue => queue.QueueType = QueueType.quorum,
            });
        }

        options.PublishMessage<IncidentOpened>()
            .ToRabbitExchange(Messaging.IncidentPagesExchange)
            .UseMassTransitInterop();
        options.PublishMessage<IncidentLifecycleChanged>()
            .ToRabbitExchange(Messaging.IncidentPagesExchange)
            .UseMassTransitInterop();
        options.PublishMessage<IncidentSlaBreached>()
            .ToRabbitExchange(Messaging.IncidentPagesExchange)
            .UseMassTransitInterop();
        options.PublishMessage<IncidentEscalated>()
            .ToRabbitExchange(Messaging.IncidentPagesExchange)
            .UseMassTransitInterop();

        options.PublishMessage<IncidentSlaWarning>()
            .ToRabbitExchange(Messaging.IncidentEventsExchange)
            .UseMassTransitInterop();
        Assurance.KeyAssuranceMessaging.Configure(options, transport);
        Security.Integrity.AnchorMessaging.Configure(options, transport);
        Duty.HandOffs.HandOffMessaging.Configure(options, transport);

        // Receipts of the notification worker (Incidents.Dispatch, MassTransit): it publishes NotificationAttempted to
        // MassTransit's exchange for that type; this queue is bound to it and read with the interop (docs/dispatch.md).
        var receipts = configuration.GetValue("Messaging:NotificationReceiptsQueue", Messaging.NotificationReceiptsQueue)!;
        // Tests set AutoDelete so the queue of each test host goes away with it instead of collecting later runs' receipts.
        var autoDelete = configuration.GetValue("Messaging:NotificationReceiptsAutoDelete", false);
        // A quorum queue cannot be auto-deleted, so a test's throw-away receipts queue stays classic.
        options.ListenToRabbitQueue(receipts, queue =>
            {
                queue.AutoDelete = autoDelete;
                queue.QueueType = quorum && !autoDelete ? QueueType.quorum : QueueType.classic;
            })
            .UseMassTransitInterop()
            .DefaultIncomingMessage<NotificationAttempted>()
            .UseDurableInbox()
            .Sequential();
        transport.BindExchange(Messaging.NotificationReceiptsExchange, ExchangeType.Fanout)
            .ToQueue(receipts);

        // Clock checks (SLA and escalation, one per incident): durable scheduled messages on a local queue, stored in
        // PostgreSQL with the events that caused them, handled once across nodes. A check that loses a race with another writer is simply retried.
        options.BatchMessagesOf<SlaCheckDue>(batching =>
            {
                batching.BatchSize = configuration.GetValue("Sla:CheckBatchSize", 200);
                batching.TriggerTime = TimeSpan.FromMilliseconds(50);
                batching.LocalExecutionQueueName = LocalQueues.SlaChecks;
            })
            .UseDurableInbox()
            .MaximumParallelMessages(configuration.GetValue("Sla:CheckParallelism", 8));
        options.Policies.OnException<ConcurrencyException>().RetryWithCooldown(
            TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));
        options.Durability.ScheduledJobPollingTime = configuration.GetValue("Sla:CheckPollingInterval", TimeSpan.FromMilliseconds(250));
        options.Durability.ScheduledJobFirstExecution = TimeSpan.FromSeconds(1);
        // Due scheduled messages are loaded this many at a time per poll (the default of 100 drains ~200 a second).
        options.Durability.RecoveryBatchSize = configuration.GetValue("Sla:CheckLoadBatchSize", 5000);

        options.Policies.UseDurableOutboxOnAllSendingEndpoints();
        options.Policies.UseDurableLocalQueues();
        if (isDevelopment)
        {
            options.Durability.Mode = DurabilityMode.Balanced;
        }
    }
}
