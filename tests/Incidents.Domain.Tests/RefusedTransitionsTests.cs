using Incidents.Domain.Incidents;
using static Incidents.Domain.Incidents.IncidentStatus;
using static Incidents.Domain.Tests.Hotline;
using static Incidents.Domain.Tests.IncidentHistory;

namespace Incidents.Domain.Tests;

/// <summary>
/// The refusals that depend on more than the status (responders, class, command content), each with its stable code and
/// kind. The refusals that depend on the status alone are in <see cref="TransitionMatrixTests"/>.
/// </summary>
public sealed class RefusedTransitionsTests
{
    [Fact]
    public void an_incident_cannot_be_reported_twice()
    {
        IncidentDecider.Decide(ReportCommand(), StateOf(Reported), Now)
            .ShouldBeRefused("incident.already-exists", DomainErrorKind.Conflict);
    }

    [Fact]
    public void an_incident_is_not_acknowledged_twice()
    {
        IncidentDecider.Decide(new AcknowledgeIncident(Someone), StateOf(Acknowledged), Now)
            .ShouldBeRefused("incident.already-acknowledged");
    }

    [Fact]
    public void a_reopened_incident_does_not_need_a_second_acknowledgement()
    {
        var reopened = Incident.From(UpTo(Closed).Append(new IncidentReopened(IncidentId, "Down again.", Desk, Now.AddMinutes(-5))))!;

        IncidentDecider.Decide(new AcknowledgeIncident(Someone), reopened, Now).ShouldBeRefused("incident.already-acknowledged");
    }

    [Theory]
    [InlineData(IncidentClass.Outage)]
    [InlineData(IncidentClass.Fault)]
    [InlineData(IncidentClass.MajorEvent)]
    [InlineData(IncidentClass.SecurityEvent)]
    public void reclassifying_into_the_class_it_already_has_is_refused(IncidentClass incidentClass)
    {
        IncidentDecider.Decide(new ReclassifyIncident(incidentClass, "Same again.", Someone), StateOf(OnSite, incidentClass), Now)
            .ShouldBeRefused("incident.class-unchanged");
    }

    [Theory]
    [InlineData("eng.zhang")]
    [InlineData("eng.chen")]
    [InlineData("eng.wang")]
    public void a_responder_cannot_be_assigned_twice_whatever_their_stage(string responderId)
    {
        var again = new Responder(responderId, "Same engineer", "Another team");

        IncidentDecider.Decide(new AssignResponder(again, Someone), StateOf(OnSite), Now)
            .ShouldBeRefused("incident.responder-already-assigned");
    }

    [Fact]
    public void a_responder_who_is_not_assigned_cannot_be_dispatched()
    {
        IncidentDecider.Decide(new DispatchResponder(Newcomer.Id, null, Someone), StateOf(Acknowledged), Now)
            .ShouldBeRefused("incident.responder-not-assigned");
    }

    [Fact]
    public void an_assigned_responder_cannot_be_dispatched_before_the_incident_is_acknowledged()
    {
        var reportedWithAssignee = Incident.From(UpTo(Reported).Append(new ResponderAssigned(IncidentId, OnStandby, Desk, ReportedAt.AddMinutes(1))))!;

        IncidentDecider.Decide(new DispatchResponder(OnStandby.Id, null, Someone), reportedWithAssignee, Now)
            .ShouldBeRefused("incident.not-acknowledged");
    }

    [Fact]
    public void a_responder_on_the_way_cannot_be_dispatched_again()
    {
        IncidentDecider.Decide(new DispatchResponder(OnTheWay.Id, null, Someone), StateOf(Dispatched), Now)
            .ShouldBeRefused("incident.responder-already-dispatched");
    }

    [Fact]
    public void a_responder_on_site_cannot_be_dispatched_again()
    {
        IncidentDecider.Decide(new DispatchResponder(FirstOnSite.Id, null, Someone), StateOf(OnSite), Now)
            .ShouldBeRefused("incident.responder-already-dispatched");
    }

    [Fact]
    public void a_responder_who_is_not_assigned_cannot_arrive_on_site()
    {
        IncidentDecider.Decide(new RecordArrivalOnSite(Newcomer.Id, Someone), StateOf(Dispatched), Now)
            .ShouldBeRefused("incident.responder-not-assigned");
    }

    [Fact]
    public void a_responder_who_was_not_dispatched_cannot_arrive_on_site()
    {
        IncidentDecider.Decide(new RecordArrivalOnSite(OnStandby.Id, Someone), StateOf(Dispatched), Now)
            .ShouldBeRefused("incident.responder-not-dispatched");
    }

    [Fact]
    public void a_responder_already_on_site_cannot_arrive_again()
    {
        IncidentDecider.Decide(new RecordArrivalOnSite(FirstOnSite.Id, Someone), StateOf(OnSite), Now)
            .ShouldBeRefused("incident.responder-already-on-site");
    }

    [Fact]
    public void the_responders_of_a_reopened_incident_must_be_assigned_again()
    {
        var reopened = Incident.From(UpTo(Resolved).Append(new IncidentReopened(IncidentId, "Down again.", Desk, Now.AddMinutes(-5))))!;

        IncidentDecider.Decide(new DispatchResponder(FirstOnSite.Id, null, Someone), reopened, Now)
            .ShouldBeRefused("incident.responder-not-assigned");
        IncidentDecider.Decide(new RecordArrivalOnSite(FirstOnSite.Id, Someone), reopened, Now)
            .ShouldBeRefused("incident.responder-not-assigned");
        IncidentDecider.Decide(new AssignResponder(FirstOnSite, Someone), reopened, Now)
            .ShouldAcceptOnly<ResponderAssigned>();
    }

    [Fact]
    public void the_service_cannot_be_restored_before_the_incident_is_acknowledged()
    {
        IncidentDecider.Decide(new RestoreService("Back up.", Someone), StateOf(Reported), Now)
            .ShouldBeRefused("incident.not-acknowledged");
    }

    [Fact]
    public void the_service_cannot_be_restored_twice()
    {
        IncidentDecider.Decide(new RestoreService("Back up.", Someone), StateOf(Restored), Now)
            .ShouldBeRefused("incident.already-restored");
    }

    [Theory]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    public void an_outage_cannot_be_resolved_before_service_is_restored(IncidentStatus status)
    {
        IncidentDecider.Decide(new ResolveIncident("Fixed.", CauseCategory.Hardware, Someone), StateOf(status, IncidentClass.Outage), Now)
            .ShouldBeRefused("incident.service-not-restored");
    }

    [Theory]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    public void a_major_event_cannot_be_resolved_before_service_is_restored(IncidentStatus status)
    {
        IncidentDecider.Decide(new ResolveIncident("Fixed.", CauseCategory.Network, Someone), StateOf(status, IncidentClass.MajorEvent), Now)
            .ShouldBeRefused("incident.service-not-restored");
    }

    [Fact]
    public void a_fault_reclassified_as_an_outage_needs_the_restoration_before_it_is_resolved()
    {
        var state = Incident.From(UpTo(OnSite, IncidentClass.Fault).Append(
            new IncidentReclassified(IncidentId, IncidentClass.Fault, IncidentClass.Outage, "Every user is affected.", DutyEngineer, ReportedAt.AddMinutes(50))))!;

        IncidentDecider.Decide(new ResolveIncident("Fixed.", CauseCategory.Software, Someone), state, Now)
            .ShouldBeRefused("incident.service-not-restored");
    }

    [Fact]
    public void a_reopened_outage_needs_a_new_restoration_before_it_is_resolved_again()
    {
        var reopened = Incident.From(UpTo(Closed).Append(new IncidentReopened(IncidentId, "Down again.", Desk, Now.AddMinutes(-5))))!;

        IncidentDecider.Decide(new ResolveIncident("Fixed for good.", CauseCategory.Hardware, Someone), reopened, Now)
            .ShouldBeRefused("incident.service-not-restored");
    }

    [Theory]
    [InlineData(IncidentClass.Outage)]
    [InlineData(IncidentClass.Fault)]
    [InlineData(IncidentClass.MajorEvent)]
    [InlineData(IncidentClass.SecurityEvent)]
    public void no_incident_is_resolved_before_it_is_acknowledged(IncidentClass incidentClass)
    {
        IncidentDecider.Decide(new ResolveIncident("Fixed.", CauseCategory.Unknown, Someone), StateOf(Reported, incidentClass), Now)
            .ShouldBeRefused("incident.not-acknowledged");
    }

    [Theory]
    [InlineData(IncidentClass.Outage, true)]
    [InlineData(IncidentClass.MajorEvent, true)]
    [InlineData(IncidentClass.Fault, false)]
    [InlineData(IncidentClass.SecurityEvent, false)]
    public void only_the_classes_with_a_restore_clock_need_a_restoration_before_resolving(IncidentClass incidentClass, bool required)
    {
        IncidentDecider.RequiresRestorationBeforeResolve(incidentClass).ShouldBe(required);
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    public void an_open_incident_cannot_be_closed_before_it_is_resolved(IncidentStatus status)
    {
        IncidentDecider.Decide(new CloseIncident(5, null, Someone), StateOf(status), Now).ShouldBeRefused("incident.not-resolved");
    }

    [Fact]
    public void a_closed_incident_cannot_be_closed_again()
    {
        IncidentDecider.Decide(new CloseIncident(5, null, Someone), StateOf(Closed), Now).ShouldBeRefused("incident.already-closed");
    }

    [Fact]
    public void a_cancelled_incident_cannot_be_closed()
    {
        IncidentDecider.Decide(new CloseIncident(5, null, Someone), StateOf(Cancelled), Now).ShouldBeRefused("incident.cancelled");
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    [InlineData(Cancelled)]
    public void only_a_resolved_or_closed_incident_can_be_reopened(IncidentStatus status)
    {
        IncidentDecider.Decide(new ReopenIncident("Down again.", Someone), StateOf(status), Now).ShouldBeRefused("incident.not-reopenable");
    }

    [Fact]
    public void a_duplicate_must_name_the_original_incident()
    {
        IncidentDecider.Decide(new CancelIncident(CancellationReason.Duplicate, null, "Second caller.", Someone), StateOf(Acknowledged), Now)
            .ShouldBeRefused("incident.duplicate-of-missing", DomainErrorKind.Unprocessable);
    }

    [Fact]
    public void an_incident_cannot_be_a_duplicate_of_itself()
    {
        IncidentDecider.Decide(new CancelIncident(CancellationReason.Duplicate, IncidentId, "Second caller.", Someone), StateOf(Acknowledged), Now)
            .ShouldBeRefused("incident.duplicate-of-itself", DomainErrorKind.Unprocessable);
    }

    [Theory]
    [InlineData(Resolved, "incident.resolved")]
    [InlineData(Closed, "incident.closed")]
    [InlineData(Cancelled, "incident.cancelled")]
    public void a_finished_incident_cannot_be_cancelled_even_as_a_well_formed_duplicate(IncidentStatus status, string code)
    {
        IncidentDecider.Decide(new CancelIncident(CancellationReason.Duplicate, OriginalIncidentId, "Second caller.", Someone), StateOf(status), Now)
            .ShouldBeRefused(code);
    }

    [Fact]
    public void a_refusal_names_the_incident_it_refers_to()
    {
        var error = IncidentDecider.Decide(new CloseIncident(5, null, Someone), StateOf(OnSite), Now).ShouldBeRefused("incident.not-resolved");

        error.Detail.ShouldContain(IncidentId.ToString());
    }
}
