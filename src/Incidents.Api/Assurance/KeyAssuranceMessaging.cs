using Incidents.Contracts;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.RabbitMQ.Internal;

namespace Incidents.Api.Assurance;

/// <summary>
/// The broker side of key assurance: the resource-adjustment messages go to their own fanout exchange
/// (<see cref="Messaging.AssuranceEventsExchange"/>, MassTransit envelopes like the incident messages), so a consumer that
/// does not know them yet (the notification worker) is not sent what it would have to skip.
/// </summary>
public static class KeyAssuranceMessaging
{
    public static void Configure(WolverineOptions options, RabbitMqTransportExpression transport)
    {
        transport.DeclareExchange(Messaging.AssuranceEventsExchange, exchange =>
        {
            exchange.ExchangeType = ExchangeType.Fanout;
            exchange.IsDurable = true;
        });
        options.PublishMessage<ResourceAdjustmentOpened>().ToRabbitExchange(Messaging.AssuranceEventsExchange).UseMassTransitInterop();
        options.PublishMessage<ResourceAdjustmentSlaWarning>().ToRabbitExchange(Messaging.AssuranceEventsExchange).UseMassTransitInterop();
        options.PublishMessage<ResourceAdjustmentSlaBreached>().ToRabbitExchange(Messaging.AssuranceEventsExchange).UseMassTransitInterop();
        options.PublishMessage<ResourceAdjustmentCompleted>().ToRabbitExchange(Messaging.AssuranceEventsExchange).UseMassTransitInterop();
    }
}
