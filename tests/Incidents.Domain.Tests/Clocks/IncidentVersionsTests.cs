using Incidents.Domain.Incidents;

namespace Incidents.Domain.Tests.Clocks;

/// <summary>
/// The If-Match rule (<see cref="IncidentVersions.StillStands"/>): a caller may act on what they saw unless a person has
/// changed the incident since. Here the incident's stream holds 7 events; the last change by a person is version 5, and
/// 6 and 7 are notices (an SLA warning, a delivery receipt).
/// </summary>
public sealed class IncidentVersionsTests
{
    private const long ChangeVersion = 5;
    private const long StreamVersion = 7;

    [Theory]
    [InlineData(5, true)]  // exactly what the last person left
    [InlineData(6, true)]  // read after the warning
    [InlineData(7, true)]  // read after the receipt
    [InlineData(4, false)] // a person changed it since (version 5)
    [InlineData(8, false)] // a version that does not exist yet
    public void a_version_stands_unless_a_person_changed_the_incident_since(long seen, bool stands) =>
        IncidentVersions.StillStands(seen, ChangeVersion, StreamVersion).ShouldBe(stands);

    [Fact]
    public void notices_do_not_move_the_change_version_and_every_lifecycle_step_does()
    {
        IncidentVersions.IsChange(new Domain.Sla.SlaWarningRaised(Guid.Empty, Domain.Sla.SlaStage.Acknowledge, 0.5, default, Actor.System, default))
            .ShouldBeFalse();
        IncidentVersions.IsChange(new Domain.Notifications.NotificationDelivered(Guid.Empty, "t", 1, "r", "email", 1, Actor.System, default))
            .ShouldBeFalse();
        IncidentVersions.IsChange(new IncidentAcknowledged(Guid.Empty, Actor.System, default)).ShouldBeTrue();
        IncidentVersions.IsChange(new IncidentCommentAdded(Guid.Empty, Guid.Empty, "note", Actor.System, default)).ShouldBeTrue();
    }
}
