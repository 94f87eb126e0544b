namespace Incidents.Api.Configuration;

/// <summary>Names of the broker objects the API publishes to. Other services bind their queues to these.</summary>
public static class Messaging
{
    /// <summary>Fanout exchange carrying every incident integration message (MassTransit-compatible envelopes).</summary>
    public const string IncidentEventsExchange = "incidents.events";

    /// <summary>MassTransit's exchange for the worker's receipts (urn:message:Incidents.Contracts:NotificationAttempted).</summary>
    public const string NotificationReceiptsExchange = "Incidents.Contracts:NotificationAttempted";

    /// <summary>The API's queue of notification receipts, bound to <see cref="NotificationReceiptsExchange"/>.</summary>
    public const string NotificationReceiptsQueue = "incidents.receipts";

    /// <summary>Durable local queue of the API where SLA checks are scheduled and handled.</summary>
    public const string SlaChecksQueue = "sla-checks";
}

/// <summary>Reads a required connection string with a clear start-up error.</summary>
public static class ConnectionStrings
{
    public const string Marten = "Marten";
    public const string RabbitMq = "RabbitMq";

    public static string Require(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is missing. Set ConnectionStrings__{name} (see README, Configuration).");
}
