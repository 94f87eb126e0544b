using Incidents.Domain.Incidents;
using static Incidents.Domain.Incidents.IncidentStatus;
using Stage = Incidents.Domain.Incidents.ResponderStage;
using static Incidents.Domain.Tests.Hotline;

namespace Incidents.Domain.Tests;

/// <summary>Rebuilding the state from a stream with <see cref="Incident.From"/>.</summary>
public sealed class ReplayTests
{
    private sealed record Expected(
        IncidentStatus Status,
        IncidentClass Class,
        bool IsAcknowledged,
        bool IsServiceRestored,
        params (string Id, ResponderStage Stage)[] Responders);

    private static DateTimeOffset At(int minutesAfterReport) => ReportedAt.AddMinutes(minutesAfterReport);

    private static readonly Guid Id = IncidentId;
    private static readonly string Zhang = FirstOnSite.Id;
    private static readonly string Chen = OnTheWay.Id;
    private static readonly string Wang = OnStandby.Id;
    private const IncidentClass Outage = IncidentClass.Outage;
    private const IncidentClass MajorEvent = IncidentClass.MajorEvent;

    /// <summary>
    /// An outage's whole life, closed once and reopened a day later as a major event. Each row: the fact appended,
    /// and the state after replaying the stream up to and including it.
    /// </summary>
    private static readonly (string Step, object Event, Expected Then)[] OutageLife =
    [
        ("01 reported", IncidentHistory.ReportedAs(Outage),
            new(Reported, Outage, false, false)),
        ("02 acknowledged", new IncidentAcknowledged(Id, DutyEngineer, At(3)),
            new(Acknowledged, Outage, true, false)),
        ("03 Zhang assigned", new ResponderAssigned(Id, FirstOnSite, Desk, At(4)),
            new(Acknowledged, Outage, true, false, (Zhang, Stage.Assigned))),
        ("04 Zhang dispatched", new ResponderDispatched(Id, Zhang, "Data centre B", Desk, At(5)),
            new(Dispatched, Outage, true, false, (Zhang, Stage.Dispatched))),
        ("05 Chen assigned", new ResponderAssigned(Id, OnTheWay, Desk, At(9)),
            new(Dispatched, Outage, true, false, (Zhang, Stage.Dispatched), (Chen, Stage.Assigned))),
        ("06 Zhang on site", new ResponderArrivedOnSite(Id, Zhang, DutyEngineer, At(41)),
            new(OnSite, Outage, true, false, (Zhang, Stage.OnSite), (Chen, Stage.Assigned))),
        ("07 comment", new IncidentCommentAdded(Id, Guid.Parse("0c0c0c0c-0000-4000-8000-000000000007"), "LB node 2 dead.", DutyEngineer, At(45)),
            new(OnSite, Outage, true, false, (Zhang, Stage.OnSite), (Chen, Stage.Assigned))),
        ("08 Chen dispatched", new ResponderDispatched(Id, Chen, null, Desk, At(46)),
            new(OnSite, Outage, true, false, (Zhang, Stage.OnSite), (Chen, Stage.Dispatched))),
        ("09 service restored", new ServiceRestored(Id, "Traffic moved to node 1.", DutyEngineer, At(130)),
            new(Restored, Outage, true, true, (Zhang, Stage.OnSite), (Chen, Stage.Dispatched))),
        ("10 Chen on site", new ResponderArrivedOnSite(Id, Chen, DutyEngineer, At(140)),
            new(Restored, Outage, true, true, (Zhang, Stage.OnSite), (Chen, Stage.OnSite))),
        ("11 resolved", new IncidentResolved(Id, "PSU of LB node 2 failed.", CauseCategory.Hardware, DutyEngineer, At(160)),
            new(Resolved, Outage, true, true, (Zhang, Stage.OnSite), (Chen, Stage.OnSite))),
        ("12 closed", new IncidentClosed(Id, 5, "Quick and clear.", Desk, At(300)),
            new(Closed, Outage, true, true, (Zhang, Stage.OnSite), (Chen, Stage.OnSite))),
        ("13 reopened", new IncidentReopened(Id, "Portal down again, whole region.", Desk, At(1500)),
            new(Acknowledged, Outage, true, false)),
        ("14 reclassified", new IncidentReclassified(Id, Outage, MajorEvent, "Whole region affected.", Desk, At(1501)),
            new(Acknowledged, MajorEvent, true, false)),
        ("15 Wang assigned", new ResponderAssigned(Id, OnStandby, Desk, At(1502)),
            new(Acknowledged, MajorEvent, true, false, (Wang, Stage.Assigned))),
        ("16 Wang dispatched", new ResponderDispatched(Id, Wang, null, Desk, At(1503)),
            new(Dispatched, MajorEvent, true, false, (Wang, Stage.Dispatched))),
        ("17 Wang on site", new ResponderArrivedOnSite(Id, Wang, Desk, At(1540)),
            new(OnSite, MajorEvent, true, false, (Wang, Stage.OnSite))),
        ("18 service restored", new ServiceRestored(Id, "Both nodes replaced.", Desk, At(1600)),
            new(Restored, MajorEvent, true, true, (Wang, Stage.OnSite))),
        ("19 resolved", new IncidentResolved(Id, "Batch of faulty PSUs.", CauseCategory.Hardware, Desk, At(1700)),
            new(Resolved, MajorEvent, true, true, (Wang, Stage.OnSite))),
        ("20 closed", new IncidentClosed(Id, 4, null, Desk, At(3000)),
            new(Closed, MajorEvent, true, true, (Wang, Stage.OnSite))),
    ];

    public static TheoryData<string> EveryStep() => new(OutageLife.Select(row => row.Step));

    [Theory]
    [MemberData(nameof(EveryStep))]
    public void replaying_an_outage_up_to_each_step_gives_the_state_that_step_left(string step)
    {
        var upTo = Array.FindIndex(OutageLife, row => row.Step == step);
        var expected = OutageLife[upTo].Then;

        var state = Incident.From(OutageLife.Take(upTo + 1).Select(row => row.Event)).ShouldNotBeNull();

        state.Status.ShouldBe(expected.Status);
        state.Class.ShouldBe(expected.Class);
        state.IsAcknowledged.ShouldBe(expected.IsAcknowledged);
        state.IsServiceRestored.ShouldBe(expected.IsServiceRestored);
        state.ShouldHaveResponders(expected.Responders);
        state.Id.ShouldBe(IncidentId);
        state.ReportedAt.ShouldBe(ReportedAt);
        state.IsDrill.ShouldBeFalse();
    }

    [Fact]
    public void replaying_a_stream_is_applying_its_events_one_after_the_other()
    {
        Incident? folded = null;
        foreach (var (_, @event, then) in OutageLife)
        {
            folded = Incident.Evolve(folded, @event).ShouldNotBeNull();
            folded.Status.ShouldBe(then.Status);
        }

        var replayed = Incident.From(OutageLife.Select(row => row.Event)).ShouldNotBeNull();
        replayed.ShouldBe(folded! with { Responders = replayed.Responders, RecentComments = replayed.RecentComments });
        replayed.Responders.ShouldBe(folded.Responders, ignoreOrder: true);
        replayed.RecentComments.ShouldBe(folded.RecentComments);
    }

    private sealed record SlaWarningRaised(Guid IncidentId, string Stage, DateTimeOffset At);

    [Fact]
    public void events_the_incident_does_not_know_are_ignored()
    {
        var known = IncidentHistory.UpTo(OnSite);
        var withStrangers = known
            .SelectMany(e => new[] { e, new SlaWarningRaised(IncidentId, "acknowledge", Now), (object)"a plain string", new object() })
            .ToArray();

        var expected = Incident.From(known).ShouldNotBeNull();
        var actual = Incident.From(withStrangers).ShouldNotBeNull();

        actual.ShouldBe(expected with { Responders = actual.Responders, RecentComments = actual.RecentComments });
        actual.ShouldHaveResponders(expected.Responders.Select(r => (r.Key, r.Value)).ToArray());
        actual.RecentComments.ShouldBe(expected.RecentComments);
    }

    [Fact]
    public void an_unknown_event_returns_the_state_untouched()
    {
        var state = IncidentHistory.StateOf(Restored);

        Incident.Evolve(state, new SlaWarningRaised(IncidentId, "restore", Now)).ShouldBeSameAs(state);
    }

    [Fact]
    public void an_empty_stream_is_no_incident()
    {
        Incident.From([]).ShouldBeNull();
    }

    [Fact]
    public void events_before_the_report_give_no_incident()
    {
        object[] beforeReport =
        [
            new IncidentAcknowledged(IncidentId, DutyEngineer, At(1)),
            new ResponderAssigned(IncidentId, FirstOnSite, Desk, At(2)),
            new ResponderDispatched(IncidentId, Zhang, null, Desk, At(3)),
            new ServiceRestored(IncidentId, "Back up.", DutyEngineer, At(4)),
            new IncidentClosed(IncidentId, 5, null, Desk, At(5)),
        ];

        Incident.From(beforeReport).ShouldBeNull();
        foreach (var @event in beforeReport)
        {
            Incident.Evolve(null, @event).ShouldBeNull();
        }
    }

    [Fact]
    public void events_before_the_report_leave_no_trace_once_it_arrives()
    {
        object[] stream =
        [
            new IncidentAcknowledged(IncidentId, DutyEngineer, At(1)),
            new ResponderAssigned(IncidentId, FirstOnSite, Desk, At(2)),
            IncidentHistory.ReportedAs(IncidentClass.Fault),
        ];

        var state = Incident.From(stream).ShouldNotBeNull();

        state.Status.ShouldBe(Reported);
        state.Class.ShouldBe(IncidentClass.Fault);
        state.IsAcknowledged.ShouldBeFalse();
        state.Responders.ShouldBeEmpty();
    }

    [Fact]
    public void a_cancelled_incident_stays_cancelled_and_keeps_what_it_knew()
    {
        var state = IncidentHistory.StateOf(Cancelled);

        state.Status.ShouldBe(Cancelled);
        state.IsActive.ShouldBeFalse();
        state.IsAcknowledged.ShouldBeTrue();
        state.ShouldHaveResponders((Zhang, Stage.Assigned), (Chen, Stage.Assigned), (Wang, Stage.Assigned));
    }

    [Theory]
    [InlineData(Reported, true)]
    [InlineData(Acknowledged, true)]
    [InlineData(Dispatched, true)]
    [InlineData(OnSite, true)]
    [InlineData(Restored, true)]
    [InlineData(Resolved, false)]
    [InlineData(Closed, false)]
    [InlineData(Cancelled, false)]
    public void an_incident_is_active_until_it_is_resolved_closed_or_cancelled(IncidentStatus status, bool active)
    {
        IncidentHistory.StateOf(status).IsActive.ShouldBe(active);
    }
}
