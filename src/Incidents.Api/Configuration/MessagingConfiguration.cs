using Incidents.Contracts;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.RabbitMQ;

namespace Incidents.Api.Configuration;

public static class MessagingConfiguration
{
    /// <summary>
    /// Wolverine: durable outbox (envelopes stored in PostgreSQL with the events), RabbitMQ as the broker, and
    /// integration messages published to one fanout exchange in MassTransit's envelope format.
    /// </summary>
    public static void ConfigureIncidentsMessaging(this WolverineOptions options, IConfiguration configuration, bool isDevelopment)
    {
        options.ServiceName = "incidents-api";
        options.UseRuntimeCompilation();
        options.CodeGeneration.TypeLoadMode = configuration.GetValue("Wolverine:TypeLoadMode", TypeLoadMode.Auto);

        var rabbit = new Uri(ConnectionStrings.Require(configuration, ConnectionStrings.RabbitMq));
        options.UseRabbitMq(rabbit)
            .AutoProvision()
            .DeclareExchange(Messaging.IncidentEventsExchange, exchange =>
            {
                exchange.ExchangeType = ExchangeType.Fanout;
                exchange.IsDurable = true;
            });

        options.PublishMessage<IncidentOpened>()
            .ToRabbitExchange(Messaging.IncidentEventsExchange)
            .UseMassTransitInterop();
        options.PublishMessage<IncidentLifecycleChanged>()
            .ToRabbitExchange(Messaging.IncidentEventsExchange)
            .UseMassTransitInterop();

        options.Policies.UseDurableOutboxOnAllSendingEndpoints();
        options.Policies.UseDurableLocalQueues();
        if (isDevelopment)
        {
            options.Durability.Mode = DurabilityMode.Balanced;
        }
    }
}
