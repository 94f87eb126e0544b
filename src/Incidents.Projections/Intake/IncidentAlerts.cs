using Incidents.Domain.Intake;

namespace Incidents.Projections.Intake;

/// <summary>
/// What monitoring said about one incident, on its document (and so on the incident and the board): how many alerts and
/// keys, how many still fire, first and last seen, when monitoring last said "recovered", and whether it is a storm.
/// Immutable: the incident document is copied per step and must not share it.
/// </summary>
public sealed record IncidentAlerts(
    int Received,
    int Keys,
    int Firing,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? RecoveredAt,
    bool IsStorm)
{
    /// <summary>Applies one event; events that are not about alerts leave the summary as it is.</summary>
    public static IncidentAlerts? Evolve(IncidentAlerts? alerts, object @event) => @event switch
    {
        AlertReceived e => (alerts ?? Empty(e.At)) with
        {
            Received = (alerts?.Received ?? 0) + e.Received,
            Keys = (alerts?.Keys ?? 0) + (e.Count == e.Received ? 1 : 0),
            Firing = (alerts?.Firing ?? 0) + (e.StartsFiring ? 1 : 0),
            LastSeenAt = e.LastSeenAt,
        },
        AlertsCounted e => (alerts ?? Empty(e.FirstSeenAt)) with
        {
            Received = (alerts?.Received ?? 0) + e.Received,
            Keys = (alerts?.Keys ?? 0) + e.NewKeys,
            Firing = (alerts?.Firing ?? 0) + e.StartsFiring,
            LastSeenAt = e.LastSeenAt,
        },
        AlertRecovered e when alerts is not null => alerts with
        {
            Firing = Math.Max(0, alerts.Firing - (e.WasFiring ? 1 : 0)),
            RecoveredAt = e.At,
        },
        AlertStormDetected e => (alerts ?? Empty(e.At)) with { IsStorm = true },
        _ => alerts,
    };

    private static IncidentAlerts Empty(DateTimeOffset at) => new(0, 0, 0, at, at, null, false);
}
