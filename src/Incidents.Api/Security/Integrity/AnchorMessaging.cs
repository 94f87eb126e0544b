using Incidents.Contracts;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.RabbitMQ.Internal;

namespace Incidents.Api.Security.Integrity;

/// <summary>
/// The broker copy of the anchors: every checkpoint is announced on its own fanout exchange
/// (<see cref="Messaging.AnchorsExchange"/>, MassTransit envelopes like the other integration messages), bound to a durable
/// queue (<see cref="Messaging.AnchorsQueue"/>) that keeps them until an auditor collects them. Declared before anything is
/// published, so no checkpoint is announced to an exchange without a queue.
/// </summary>
public static class AnchorMessaging
{
    public static void Configure(WolverineOptions options, RabbitMqTransportExpression transport)
    {
        transport.BindExchange(Messaging.AnchorsExchange, ExchangeType.Fanout).ToQueue(Messaging.AnchorsQueue);
        options.PublishMessage<ChainAnchored>().ToRabbitExchange(Messaging.AnchorsExchange).UseMassTransitInterop();
    }
}
