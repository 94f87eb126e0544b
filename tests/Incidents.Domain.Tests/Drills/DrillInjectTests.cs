using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using static Incidents.Domain.Tests.Hotline;
using static Incidents.Domain.Tests.IncidentHistory;

namespace Incidents.Domain.Tests.Drills;

/// <summary>Injects: what a plan may script, and what a due inject does to the synthetic incident (or why it is skipped).</summary>
public sealed class DrillInjectTests
{
    private static readonly DateTimeOffset Planned = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Coordinator = new("drill-01", "Sun Yu");
    private static readonly Guid DrillId = Guid.Parse("0195a000-0000-7000-8000-000000000001");
    private static readonly Guid DrillIncident = Guid.Parse("0195a000-0000-7000-8000-0000000000aa");
    private static readonly DrillBookings Free = new(["cloud-platform"], []);

    private static DrillInject Outage(int minutes) => new(TimeSpan.FromMinutes(minutes), "It spreads", IncidentClass.Outage, null);

    private static DrillInject Says(int minutes, string text = "Caller: still down.") => new(TimeSpan.FromMinutes(minutes), "Caller again", null, text);

    private static Decision Schedule(params DrillInject[] injects) => DrillDecider.Decide(new ScheduleDrill(
        DrillId, "Portal fault", DrillKind.CloudPlatformEmergencyDrill,
        new DrillScenario(IncidentClass.Fault, "cloud-platform", "The portal is slow."),
        Planned.AddDays(1), TimeSpan.FromHours(1), [], [], [], Coordinator, injects), null, Free, Planned);

    private static Drill Started(params DrillInject[] injects) =>
        Drill.Evolve(Drill.From(Schedule(injects).Events), new DrillStarted(DrillId, DrillIncident, false, Actor.System, Planned.AddDays(1)))!;

    [Fact]
    public void a_plan_keeps_its_injects_in_the_order_they_fall_due()
    {
        var scheduled = Schedule(Says(30), Outage(10), Says(10, "Caller: now nothing works.")).Events.ShouldHaveSingleItem()
            .ShouldBeOfType<DrillScheduled>();

        scheduled.Injects!.Select(i => (i.Offset.TotalMinutes, i.Comment))
            .ShouldBe([(10, null), (10, "Caller: now nothing works."), (30, "Caller: still down.")]);
        Drill.From([scheduled])!.Injects.Count.ShouldBe(3);
    }

    [Fact]
    public void a_drill_stored_before_injects_existed_loads_without_any()
    {
        var old = new DrillScheduled(DrillId, "Old plan", DrillKind.EmergencyPlanExercise,
            new DrillScenario(IncidentClass.Outage, "cloud-platform", "x"), Planned, TimeSpan.FromHours(1), [], [], [], Coordinator, Planned);

        Drill.From([old])!.Injects.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(61)]
    public void an_inject_at_or_before_the_start_or_after_the_expected_duration_is_refused(int minutes)
    {
        var error = Schedule(Says(5), Says(minutes)).ShouldBeRefused("drill.inject-outside-window", DomainErrorKind.Unprocessable);

        error.Detail.ShouldStartWith("injects[1].offset");
    }

    [Fact]
    public void an_inject_at_the_end_of_the_expected_duration_is_allowed()
    {
        Schedule(Says(60)).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void more_than_twenty_injects_are_refused()
    {
        Schedule([.. Enumerable.Range(1, 20).Select(m => Says(m))]).IsAccepted.ShouldBeTrue();
        Schedule([.. Enumerable.Range(1, 21).Select(m => Says(m))]).ShouldBeRefused("drill.too-many-injects", DomainErrorKind.Unprocessable);
    }

    [Fact]
    public void an_inject_that_neither_reclassifies_nor_says_anything_is_refused()
    {
        Schedule(new DrillInject(TimeSpan.FromMinutes(5), "Nothing", null, "  "))
            .ShouldBeRefused("drill.inject-empty", DomainErrorKind.Unprocessable);
    }

    [Fact]
    public void reclassifying_to_the_class_the_scenario_already_has_at_that_point_is_refused()
    {
        Schedule(new DrillInject(TimeSpan.FromMinutes(5), "Still a fault", IncidentClass.Fault, null))
            .ShouldBeRefused("drill.inject-class-unchanged", DomainErrorKind.Unprocessable);

        // Listed first, but due after the reclassification to outage at +10: at +20 it is already an outage.
        var error = Schedule(Outage(20), Outage(10)).ShouldBeRefused("drill.inject-class-unchanged", DomainErrorKind.Unprocessable);
        error.Detail.ShouldStartWith("injects[0].reclassifyTo");

        Schedule(Outage(10), new DrillInject(TimeSpan.FromMinutes(20), "Back to a fault", IncidentClass.Fault, null)).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_due_inject_of_a_running_drill_is_recorded_once()
    {
        var drill = Started(Outage(10));
        var recorded = DrillDecider.Decide(new RecordDrillInject(0, DrillIncident, DrillInjectOutcome.Applied, null, DrillInjects.Script), drill,
            Planned.AddDays(1).AddMinutes(10)).ShouldAcceptOnly<DrillInjectApplied>();

        recorded.Index.ShouldBe(0);
        recorded.By.ShouldBe(DrillInjects.Script);
        DrillDecider.Decide(new RecordDrillInject(0, DrillIncident, DrillInjectOutcome.Applied, null, DrillInjects.Script),
            Drill.Evolve(drill, recorded)!, Planned).ShouldBeRefused("drill.inject-recorded");
    }

    [Fact]
    public void a_due_inject_of_a_drill_that_is_not_running_or_for_another_incident_is_refused()
    {
        var started = Started(Outage(10));
        var record = new RecordDrillInject(0, DrillIncident, DrillInjectOutcome.Applied, null, DrillInjects.Script);

        DrillDecider.Decide(record, Drill.From(Schedule(Outage(10)).Events)!, Planned).ShouldBeRefused("drill.not-started");
        DrillDecider.Decide(record, Drill.Evolve(started, new DrillCompleted(DrillId, [], "", Coordinator, Planned))!, Planned)
            .ShouldBeRefused("drill.completed");
        DrillDecider.Decide(record with { IncidentId = Guid.NewGuid() }, started, Planned).ShouldBeRefused("drill.other-incident");
        DrillDecider.Decide(record with { Index = 1 }, started, Planned).ShouldBeRefused("drill.unknown-inject", DomainErrorKind.NotFound);
    }

    [Fact]
    public void an_inject_reclassifies_the_incident_and_the_caller_speaks_as_the_drill_script()
    {
        var inject = new DrillInject(TimeSpan.FromMinutes(10), "The fault becomes an outage", IncidentClass.Outage, "Caller: nothing loads now.");
        var commentId = Guid.NewGuid();

        var events = DrillInjects.Decide(inject, 0, StateOf(IncidentStatus.Acknowledged, IncidentClass.Fault), commentId, Now).Events;

        var reclassified = events[0].ShouldBeOfType<IncidentReclassified>();
        reclassified.To.ShouldBe(IncidentClass.Outage);
        reclassified.By.ShouldBe(DrillInjects.Script);
        reclassified.Reason.ShouldBe("Drill inject 1: The fault becomes an outage");
        var comment = events[1].ShouldBeOfType<IncidentCommentAdded>();
        comment.Text.ShouldBe("Caller: nothing loads now.");
        comment.CommentId.ShouldBe(commentId);
        events.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(IncidentStatus.Resolved, "incident.resolved")]
    [InlineData(IncidentStatus.Closed, "incident.closed")]
    [InlineData(IncidentStatus.Cancelled, "incident.cancelled")]
    public void an_inject_on_an_incident_no_longer_worked_is_refused_with_the_incident_rule(IncidentStatus status, string code)
    {
        DrillInjects.Decide(Outage(10), 0, StateOf(status, IncidentClass.Fault), Guid.NewGuid(), Now).ShouldBeRefused(code);
        DrillInjects.Decide(Says(10), 0, StateOf(status, IncidentClass.Fault), Guid.NewGuid(), Now).ShouldBeRefused(code);
    }

    [Fact]
    public void an_inject_to_the_class_the_incident_already_has_is_refused_with_the_incident_rule()
    {
        // Someone reclassified it by hand before the script did.
        DrillInjects.Decide(Outage(10), 0, StateOf(IncidentStatus.Acknowledged, IncidentClass.Outage), Guid.NewGuid(), Now)
            .ShouldBeRefused("incident.class-unchanged");
    }
}
