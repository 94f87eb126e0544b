using Incidents.Domain.Incidents;

namespace Incidents.Domain.Intake;

/// <summary>
/// An alert from monitoring was added to the incident: a new key (<see cref="Count"/> 1) or another occurrence of a key
/// already on it. <see cref="Received"/> is how many occurrences this event accounts for (several arriving in one batch
/// are recorded once). A notice: it does not make a person's If-Match stale.
/// </summary>
public sealed record AlertReceived(
    Guid IncidentId,
    Guid IntegrationId,
    string DedupKey,
    string System,
    string Summary,
    string? Severity,
    int Count,
    int Received,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? OccurredAt,
    bool StartsFiring,
    Actor By,
    DateTimeOffset At) : IIncidentNotice;

/// <summary>Monitoring says the alert recovered. It never closes or resolves the incident: people decide that.</summary>
public sealed record AlertRecovered(Guid IncidentId, Guid IntegrationId, string DedupKey, DateTimeOffset? EndedAt, bool WasFiring,
    Actor By, DateTimeOffset At) : IIncidentNotice;

/// <summary>The monitoring tool says someone acknowledged the alert there (the incident's own acknowledgement is a person's step).</summary>
public sealed record AlertAcknowledgedAtSource(Guid IncidentId, Guid IntegrationId, string DedupKey, Actor By, DateTimeOffset At) : IIncidentNotice;

/// <summary>
/// Alerts counted without an event each: beyond <see cref="IntakeDecider.DetailedKeysPerIncident"/> keys an incident
/// records storms as one summary per batch, so no alert is dropped and the stream stays bounded.
/// </summary>
public sealed record AlertsCounted(Guid IncidentId, Guid IntegrationId, int Received, int NewKeys, int StartsFiring,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, Actor By, DateTimeOffset At) : IIncidentNotice;

/// <summary>The incident became the home of an alert storm: the integration hit its incident limit, or too many keys arrived.</summary>
public sealed record AlertStormDetected(Guid IncidentId, Guid IntegrationId, string Reason, Actor By, DateTimeOffset At) : IIncidentNotice;

public static class AlertEventTypes
{
    public static readonly Type[] All =
        [typeof(AlertReceived), typeof(AlertRecovered), typeof(AlertAcknowledgedAtSource), typeof(AlertsCounted), typeof(AlertStormDetected)];
}
