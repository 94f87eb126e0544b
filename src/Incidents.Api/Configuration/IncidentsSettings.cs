namespace Incidents.Api.Configuration;

/// <summary>The API's own local (in-process, durable) queues; broker names live in <c>Incidents.Contracts.Messaging</c>.</summary>
public static class LocalQueues
{
    /// <summary>Durable local queue of the API where SLA checks are scheduled and handled.</summary>
    public const string SlaChecks = "sla-checks";
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
