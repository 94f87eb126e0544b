using Incidents.Contracts;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.RabbitMQ.Internal;

namespace Incidents.Api.Duty.HandOffs;

/// <summary>
/// The broker side of hand-offs: the notices go to their own fanout exchange (<see cref="Messaging.DutyEventsExchange"/>,
/// MassTransit envelopes like the incident messages), read by the worker on its own queue, so neither lane of incident
/// notices is sent a message type its consumers do not know.
/// </summary>
public static class HandOffMessaging
{
    public static void Configure(WolverineOptions options, RabbitMqTransportExpression transport)
    {
        transport.DeclareExchange(Messaging.DutyEventsExchange, exchange =>
        {
            exchange.ExchangeType = ExchangeType.Fanout;
            exchange.IsDurable = true;
        });
        options.PublishMessage<ShiftHandOffAnnounced>().ToRabbitExchange(Messaging.DutyEventsExchange).UseMassTransitInterop();
    }
}
