using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Incidents.IncidentStatus;
using static Incidents.Domain.Tests.Hotline;
using static Incidents.Domain.Tests.IncidentHistory;

namespace Incidents.Domain.Tests;

/// <summary>What each accepted command records, and what the incident looks like afterwards.</summary>
public sealed class AllowedTransitionsTests
{
    [Fact]
    public void a_new_incident_is_reported_with_everything_the_desk_took_down()
    {
        var command = ReportCommand(IncidentClass.Outage, by: Someone);

        var reported = IncidentDecider.Decide(command, null, Now).ShouldAcceptOnly<IncidentReported>();

        reported.ShouldBe(new IncidentReported(
            IncidentId,
            command.Title,
            command.Description,
            command.AffectedSystem,
            IncidentClass.Outage,
            IntakeChannel.Phone,
            Caller,
            IsDrill: false,
            DrillId: null,
            SlaPolicy.ContractDefault,
            Someone,
            Now));

        var state = Incident.Evolve(null, reported).ShouldNotBeNull();
        state.Id.ShouldBe(IncidentId);
        state.Status.ShouldBe(Reported);
        state.Class.ShouldBe(IncidentClass.Outage);
        state.IsDrill.ShouldBeFalse();
        state.ReportedAt.ShouldBe(Now);
        state.IsAcknowledged.ShouldBeFalse();
        state.IsServiceRestored.ShouldBeFalse();
        state.Responders.ShouldBeEmpty();
    }

    [Fact]
    public void a_report_of_a_class_with_an_escalation_chain_pages_level_1_in_the_same_decision()
    {
        var chain = Domain.Escalation.EscalationPolicy.ContractDefault.For(IncidentClass.Outage);
        var command = ReportCommand(IncidentClass.Outage, by: Someone) with { Escalation = chain };

        var decision = IncidentDecider.Decide(command, null, Now);

        decision.Events.Count.ShouldBe(2);
        decision.Events[0].ShouldBeOfType<IncidentReported>();
        var level1 = decision.Events[1].ShouldBeOfType<Domain.Escalation.EscalationLevelRaised>();
        level1.Level.ShouldBe(1);
        level1.Reason.ShouldBe(Domain.Escalation.EscalationReason.Opened);
        level1.Recipients.ShouldBe(chain!.Levels[0].Recipients);
        level1.At.ShouldBe(Now);
        level1.NextAt.ShouldBe(Now + chain.Levels[0].Wait);
    }

    [Fact]
    public void a_drill_is_reported_as_a_drill_with_its_drill_reference()
    {
        var drillId = Guid.Parse("d1d1d1d1-0000-4000-8000-000000000001");
        var command = ReportCommand(IncidentClass.MajorEvent) with { IsDrill = true, DrillId = drillId, Channel = IntakeChannel.Monitoring };

        var reported = IncidentDecider.Decide(command, null, Now).ShouldAcceptOnly<IncidentReported>();

        reported.IsDrill.ShouldBeTrue();
        reported.DrillId.ShouldBe(drillId);
        reported.Channel.ShouldBe(IntakeChannel.Monitoring);
        var state = Incident.Evolve(null, reported).ShouldNotBeNull();
        state.IsDrill.ShouldBeTrue();
        state.Class.ShouldBe(IncidentClass.MajorEvent);
    }

    [Fact]
    public void a_reported_incident_is_acknowledged_by_whoever_takes_it_at_that_moment()
    {
        var state = StateOf(Reported);

        var decision = IncidentDecider.Decide(new AcknowledgeIncident(Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentAcknowledged>().ShouldBe(new IncidentAcknowledged(IncidentId, Someone, Now));
        var acknowledged = state.Evolved(decision);
        acknowledged.Status.ShouldBe(Acknowledged);
        acknowledged.IsAcknowledged.ShouldBeTrue();
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    public void an_open_incident_can_be_reclassified_and_takes_the_new_class(IncidentStatus status)
    {
        var state = StateOf(status, IncidentClass.Fault);

        var decision = IncidentDecider.Decide(new ReclassifyIncident(IncidentClass.Outage, "Nobody can log in.", Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentReclassified>()
            .ShouldBe(new IncidentReclassified(IncidentId, IncidentClass.Fault, IncidentClass.Outage, "Nobody can log in.", Someone, Now));
        var reclassified = state.Evolved(decision);
        reclassified.Class.ShouldBe(IncidentClass.Outage);
        reclassified.Status.ShouldBe(status);
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    public void a_responder_can_be_assigned_to_an_open_incident_without_changing_its_status(IncidentStatus status)
    {
        var state = StateOf(status);

        var decision = IncidentDecider.Decide(new AssignResponder(Newcomer, Someone), state, Now);

        decision.ShouldAcceptOnly<ResponderAssigned>().ShouldBe(new ResponderAssigned(IncidentId, Newcomer, Someone, Now));
        var assigned = state.Evolved(decision);
        assigned.Status.ShouldBe(status);
        assigned.Responders[Newcomer.Id].ShouldBe(ResponderStage.Assigned);
        assigned.Responders.Count.ShouldBe(state.Responders.Count + 1);
    }

    [Fact]
    public void a_responder_can_be_assigned_before_anyone_has_acknowledged()
    {
        var state = StateOf(Reported);

        var decision = IncidentDecider.Decide(new AssignResponder(FirstOnSite, Desk), state, Now);

        state.Evolved(decision).ShouldHaveResponders((FirstOnSite.Id, ResponderStage.Assigned));
    }

    [Theory]
    [InlineData(Acknowledged, Dispatched)]
    [InlineData(Dispatched, Dispatched)]
    [InlineData(OnSite, OnSite)]
    [InlineData(Restored, Restored)]
    public void dispatching_an_assigned_responder_moves_an_acknowledged_incident_to_dispatched_and_leaves_later_stages_alone(
        IncidentStatus from,
        IncidentStatus expected)
    {
        var state = StateOf(from);

        var decision = IncidentDecider.Decide(new DispatchResponder(OnStandby.Id, "Bring the spare PSU.", Someone), state, Now);

        decision.ShouldAcceptOnly<ResponderDispatched>()
            .ShouldBe(new ResponderDispatched(IncidentId, OnStandby.Id, "Bring the spare PSU.", Someone, Now));
        var dispatched = state.Evolved(decision);
        dispatched.Status.ShouldBe(expected);
        dispatched.Responders[OnStandby.Id].ShouldBe(ResponderStage.Dispatched);
    }

    [Fact]
    public void a_dispatch_may_carry_no_note()
    {
        var decision = IncidentDecider.Decide(new DispatchResponder(OnStandby.Id, null, Someone), StateOf(Acknowledged), Now);

        decision.ShouldAcceptOnly<ResponderDispatched>().Note.ShouldBeNull();
    }

    [Theory]
    [InlineData(Dispatched, OnSite)]
    [InlineData(OnSite, OnSite)]
    [InlineData(Restored, Restored)]
    public void the_arrival_of_a_dispatched_responder_puts_a_dispatched_incident_on_site_and_leaves_later_stages_alone(
        IncidentStatus from,
        IncidentStatus expected)
    {
        var state = StateOf(from);

        var decision = IncidentDecider.Decide(new RecordArrivalOnSite(OnTheWay.Id, Someone), state, Now);

        decision.ShouldAcceptOnly<ResponderArrivedOnSite>().ShouldBe(new ResponderArrivedOnSite(IncidentId, OnTheWay.Id, Someone, Now));
        var arrived = state.Evolved(decision);
        arrived.Status.ShouldBe(expected);
        arrived.Responders[OnTheWay.Id].ShouldBe(ResponderStage.OnSite);
    }

    [Fact]
    public void an_arrival_while_the_incident_is_still_only_acknowledged_puts_it_on_site()
    {
        // No stream reaches "acknowledged with a responder on the way": a dispatch always moves an acknowledged
        // incident to dispatched. Evolve handles the case anyway; this pins that it treats it like dispatched.
        var state = StateOf(Dispatched) with { Status = Acknowledged };

        var decision = IncidentDecider.Decide(new RecordArrivalOnSite(OnTheWay.Id, Someone), state, Now);

        state.Evolved(decision).Status.ShouldBe(OnSite);
    }

    [Fact]
    public void the_first_arrival_on_site_leaves_the_other_responders_where_they_are()
    {
        var state = StateOf(Dispatched);

        var decision = IncidentDecider.Decide(new RecordArrivalOnSite(FirstOnSite.Id, Someone), state, Now);

        state.Evolved(decision).ShouldHaveResponders(
            (FirstOnSite.Id, ResponderStage.OnSite),
            (OnTheWay.Id, ResponderStage.Dispatched),
            (OnStandby.Id, ResponderStage.Assigned));
    }

    [Theory]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    public void restoring_the_service_of_an_acknowledged_incident_moves_it_to_restored(IncidentStatus from)
    {
        var state = StateOf(from);

        var decision = IncidentDecider.Decide(new RestoreService("Portal answers again.", Someone), state, Now);

        decision.ShouldAcceptOnly<ServiceRestored>().ShouldBe(new ServiceRestored(IncidentId, "Portal answers again.", Someone, Now));
        var restored = state.Evolved(decision);
        restored.Status.ShouldBe(Restored);
        restored.IsServiceRestored.ShouldBeTrue();
        restored.Responders.ShouldBe(state.Responders);
    }

    [Fact]
    public void a_restored_outage_is_resolved_with_its_summary_and_cause()
    {
        var state = StateOf(Restored);

        var decision = IncidentDecider.Decide(new ResolveIncident("Node replaced.", CauseCategory.Hardware, Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentResolved>()
            .ShouldBe(new IncidentResolved(IncidentId, "Node replaced.", CauseCategory.Hardware, Someone, Now));
        state.Evolved(decision).Status.ShouldBe(Resolved);
    }

    [Fact]
    public void a_restored_major_event_can_be_resolved()
    {
        var state = StateOf(Restored, IncidentClass.MajorEvent);

        var decision = IncidentDecider.Decide(new ResolveIncident("Region failed over back.", CauseCategory.ThirdParty, Someone), state, Now);

        state.Evolved(decision).Status.ShouldBe(Resolved);
    }

    [Theory]
    [InlineData(IncidentClass.Fault, Acknowledged)]
    [InlineData(IncidentClass.Fault, Dispatched)]
    [InlineData(IncidentClass.Fault, OnSite)]
    [InlineData(IncidentClass.SecurityEvent, Acknowledged)]
    [InlineData(IncidentClass.SecurityEvent, Dispatched)]
    [InlineData(IncidentClass.SecurityEvent, OnSite)]
    public void a_fault_or_a_security_event_can_be_resolved_without_a_service_restoration(IncidentClass incidentClass, IncidentStatus from)
    {
        var state = StateOf(from, incidentClass);
        state.IsServiceRestored.ShouldBeFalse();

        var decision = IncidentDecider.Decide(new ResolveIncident("Patched.", CauseCategory.Software, Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentResolved>();
        var resolved = state.Evolved(decision);
        resolved.Status.ShouldBe(Resolved);
        resolved.IsServiceRestored.ShouldBeFalse();
    }

    [Fact]
    public void an_outage_reclassified_as_a_fault_can_be_resolved_without_a_restoration()
    {
        var state = Incident.From(UpTo(OnSite).Append(
            new IncidentReclassified(IncidentId, IncidentClass.Outage, IncidentClass.Fault, "Only one report is affected.", DutyEngineer, ReportedAt.AddMinutes(50))))!;

        var decision = IncidentDecider.Decide(new ResolveIncident("Report query fixed.", CauseCategory.Software, Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentResolved>();
    }

    [Theory]
    [InlineData(5, "Quick and clear updates.")]
    [InlineData(null, null)]
    public void a_resolved_incident_is_closed_with_the_callers_satisfaction(int? satisfaction, string? feedback)
    {
        var state = StateOf(Resolved);

        var decision = IncidentDecider.Decide(new CloseIncident(satisfaction, feedback, Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentClosed>().ShouldBe(new IncidentClosed(IncidentId, satisfaction, feedback, Someone, Now));
        state.Evolved(decision).Status.ShouldBe(Closed);
    }

    [Theory]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    public void a_reopened_incident_is_acknowledged_again_with_nobody_assigned_and_the_service_down(IncidentStatus from)
    {
        var state = StateOf(from);
        state.IsServiceRestored.ShouldBeTrue();
        state.Responders.ShouldNotBeEmpty();

        var decision = IncidentDecider.Decide(new ReopenIncident("The portal is down again.", Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentReopened>().ShouldBe(new IncidentReopened(IncidentId, "The portal is down again.", Someone, Now));
        var reopened = state.Evolved(decision);
        reopened.Status.ShouldBe(Acknowledged);
        reopened.IsAcknowledged.ShouldBeTrue();
        reopened.IsServiceRestored.ShouldBeFalse();
        reopened.Responders.ShouldBeEmpty();
        reopened.Class.ShouldBe(state.Class);
        reopened.ReportedAt.ShouldBe(state.ReportedAt);
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    public void an_open_incident_can_be_cancelled_as_a_false_alarm(IncidentStatus from)
    {
        var state = StateOf(from);

        var decision = IncidentDecider.Decide(new CancelIncident(CancellationReason.FalseAlarm, null, "Caller's own network.", Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentCancelled>()
            .ShouldBe(new IncidentCancelled(IncidentId, CancellationReason.FalseAlarm, null, "Caller's own network.", Someone, Now));
        state.Evolved(decision).Status.ShouldBe(Cancelled);
    }

    [Fact]
    public void an_incident_cancelled_as_a_duplicate_points_at_the_original()
    {
        var state = StateOf(Acknowledged);

        var decision = IncidentDecider.Decide(new CancelIncident(CancellationReason.Duplicate, OriginalIncidentId, "Same outage, second caller.", Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentCancelled>()
            .ShouldBe(new IncidentCancelled(IncidentId, CancellationReason.Duplicate, OriginalIncidentId, "Same outage, second caller.", Someone, Now));
        state.Evolved(decision).Status.ShouldBe(Cancelled);
    }

    [Fact]
    public void a_false_alarm_does_not_keep_an_original_incident_given_by_mistake()
    {
        var decision = IncidentDecider.Decide(new CancelIncident(CancellationReason.FalseAlarm, OriginalIncidentId, "Test call.", Someone), StateOf(Reported), Now);

        decision.ShouldAcceptOnly<IncidentCancelled>().DuplicateOf.ShouldBeNull();
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    [InlineData(Cancelled)]
    public void a_comment_can_be_added_in_every_status_and_changes_nothing_else(IncidentStatus status)
    {
        var state = StateOf(status);
        var commentId = Guid.Parse("0c0c0c0c-0000-4000-8000-0000000000aa");

        var decision = IncidentDecider.Decide(new CommentOnIncident(commentId, "Post-incident review on Monday.", Someone), state, Now);

        decision.ShouldAcceptOnly<IncidentCommentAdded>()
            .ShouldBe(new IncidentCommentAdded(IncidentId, commentId, "Post-incident review on Monday.", Someone, Now));
        var commented = state.Evolved(decision);
        commented.RecentComments.ShouldBe([.. state.RecentComments, Now], "remembered for the hourly cap");
        (commented with { RecentComments = state.RecentComments }).ShouldBe(state);
    }
}
