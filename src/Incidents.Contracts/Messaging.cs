namespace Incidents.Contracts;

/// <summary>
/// The names of the broker objects the services meet on. The API publishes to <see cref="IncidentEventsExchange"/>; the
/// notification worker reads its own queue bound to it and publishes receipts, which the API reads. Defined here only.
/// </summary>
public static class Messaging
{
    /// <summary>Fanout exchange carrying every incident integration message (MassTransit-compatible envelopes).</summary>
    public const string IncidentEventsExchange = "incidents.events";

    /// <summary>The notification worker's queue, bound to <see cref="IncidentEventsExchange"/>.</summary>
    public const string DispatchQueue = "incidents.dispatch";

    /// <summary>MassTransit's exchange for the worker's receipts (urn:message:Incidents.Contracts:NotificationAttempted).</summary>
    public const string NotificationReceiptsExchange = "Incidents.Contracts:NotificationAttempted";

    /// <summary>The API's queue of notification receipts, bound to <see cref="NotificationReceiptsExchange"/>.</summary>
    public const string NotificationReceiptsQueue = "incidents.receipts";

    /// <summary>Fanout exchange carrying the key-assurance messages (resource adjustments and their clock; docs/assurance.md).</summary>
    public const string AssuranceEventsExchange = "incidents.assurance";
}

/// <summary>What became of one delivery attempt (<see cref="NotificationAttempted.Outcome"/>).</summary>
public static class NotificationOutcomes
{
    public const string Sent = "sent";

    /// <summary>Failed for good: a permanent error, or the retries are exhausted.</summary>
    public const string Failed = "failed";

    /// <summary>Failed for now; the worker tries again.</summary>
    public const string Retrying = "retrying";
}
