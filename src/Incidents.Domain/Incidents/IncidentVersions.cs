namespace Incidents.Domain.Incidents;

/// <summary>
/// The two versions of an incident and the rule that relates a caller's <c>If-Match</c> to them. The stream version
/// counts every event; the change version is the version of the last event a person caused (notices — SLA warnings and
/// breaches, escalation levels, delivery receipts — never change it). Reads answer the change version as the ETag.
/// </summary>
public static class IncidentVersions
{
    /// <summary>True when the event moves the change version: anything but a notice.</summary>
    public static bool IsChange(object @event) => @event is not IIncidentNotice;

    /// <summary>
    /// True when a caller who saw <paramref name="expected"/> may still act: no person changed the incident since. Every
    /// event after the version seen is then a notice, which does not change what the caller decided on.
    /// </summary>
    public static bool StillStands(long expected, long changeVersion, long streamVersion) =>
        expected >= changeVersion && expected <= streamVersion;
}
