using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;

namespace Incidents.Domain.Tests.Drills;

/// <summary>Every allowed and refused step of a drill's life: scheduled, rescheduled, started, completed, cancelled.</summary>
public sealed class DrillDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Coordinator = new("drill-01", "Sun Yu");
    private static readonly Guid DrillId = Guid.Parse("0195a000-0000-7000-8000-000000000001");
    private static readonly Guid IncidentId = Guid.Parse("0195a000-0000-7000-8000-0000000000aa");
    private static readonly string[] Systems = ["cloud-platform", "data-warehouse"];
    private static readonly DrillBookings Free = new(Systems, []);

    private static ScheduleDrill Schedule(DateTimeOffset? start = null, string system = "cloud-platform") => new(
        DrillId, "Cloud platform failover", DrillKind.CloudPlatformEmergencyDrill,
        new DrillScenario(IncidentClass.Outage, system, "The settlement portal does not load."),
        start ?? Now.AddDays(3), TimeSpan.FromHours(2), ["eng-07"], ["sup-01"], ["acknowledge in 5 minutes", "fail over"], Coordinator);

    private static Drill Scheduled() => Drill.From(DrillDecider.Decide(Schedule(), null, Free, Now).Events)!;

    private static Drill Started() => Drill.Evolve(Scheduled(), new DrillStarted(DrillId, IncidentId, false, Actor.System, Now.AddDays(3)))!;

    private static Drill Completed() => Drill.Evolve(Started(), new DrillCompleted(DrillId, [], "", Coordinator, Now.AddDays(3).AddHours(1)))!;

    private static Drill Cancelled() => Drill.Evolve(Scheduled(), new DrillCancelled(DrillId, "Change freeze", Coordinator, Now))!;

    private static Drill StateOf(DrillStatus status) => status switch
    {
        DrillStatus.Scheduled => Scheduled(),
        DrillStatus.Started => Started(),
        DrillStatus.Completed => Completed(),
        _ => Cancelled(),
    };

    [Fact]
    public void a_drill_planned_ahead_on_a_known_system_is_scheduled()
    {
        var scheduled = DrillDecider.Decide(Schedule(), null, Free, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<DrillScheduled>();

        scheduled.PlannedStart.ShouldBe(Now.AddDays(3));
        scheduled.By.ShouldBe(Coordinator);
        scheduled.At.ShouldBe(Now);
        Drill.From([scheduled])!.Status.ShouldBe(DrillStatus.Scheduled);
    }

    [Fact]
    public void a_drill_cannot_be_scheduled_twice()
    {
        DrillDecider.Decide(Schedule(), Scheduled(), Free, Now).ShouldBeRefused("drill.already-exists");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void a_drill_planned_now_or_in_the_past_is_refused(int minutes)
    {
        DrillDecider.Decide(Schedule(Now.AddMinutes(minutes)), null, Free, Now)
            .ShouldBeRefused("drill.start-in-past", DomainErrorKind.Unprocessable);
    }

    [Fact]
    public void a_drill_planned_beyond_the_horizon_is_refused_and_one_just_inside_it_is_accepted()
    {
        DrillDecider.Decide(Schedule(DateTimeOffset.MaxValue.AddDays(-1)), null, Free, Now)
            .ShouldBeRefused("drill.start-too-far", DomainErrorKind.Unprocessable);
        DrillDecider.Decide(new RescheduleDrill(Now + DrillDecider.PlanningHorizon + TimeSpan.FromMinutes(1), null, Coordinator), Scheduled(), Free, Now)
            .ShouldBeRefused("drill.start-too-far", DomainErrorKind.Unprocessable);
        DrillDecider.Decide(Schedule(Now + DrillDecider.PlanningHorizon), null, Free, Now).Error.ShouldBeNull();
    }

    [Fact]
    public void a_drill_on_an_unknown_system_is_refused()
    {
        DrillDecider.Decide(Schedule(system: "toaster"), null, Free, Now)
            .ShouldBeRefused("drill.unknown-system", DomainErrorKind.Unprocessable);
    }

    [Theory]
    [InlineData(-90)]
    [InlineData(0)]
    [InlineData(119)]
    public void a_drill_overlapping_another_on_the_same_system_is_refused(int minutesAfterOther)
    {
        var other = new DrillWindow(Guid.NewGuid(), "cloud-platform", Now.AddDays(3).AddMinutes(-minutesAfterOther), TimeSpan.FromHours(2));

        DrillDecider.Decide(Schedule(), null, new DrillBookings(Systems, [other]), Now)
            .ShouldBeRefused("drill.overlaps", DomainErrorKind.Unprocessable);
    }

    [Fact]
    public void drills_back_to_back_or_on_other_systems_do_not_overlap()
    {
        var before = new DrillWindow(Guid.NewGuid(), "cloud-platform", Now.AddDays(3).AddHours(-2), TimeSpan.FromHours(2));
        var elsewhere = new DrillWindow(Guid.NewGuid(), "data-warehouse", Now.AddDays(3), TimeSpan.FromHours(2));

        DrillDecider.Decide(Schedule(), null, new DrillBookings(Systems, [before, elsewhere]), Now).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_scheduled_drill_is_rescheduled_and_its_own_window_does_not_count_as_overlap()
    {
        var drill = Scheduled();
        var rescheduled = DrillDecider.Decide(new RescheduleDrill(Now.AddDays(3).AddMinutes(30), "Room taken", Coordinator), drill,
                new DrillBookings(Systems, [drill.Window]), Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<DrillRescheduled>();

        rescheduled.From.ShouldBe(Now.AddDays(3));
        rescheduled.To.ShouldBe(Now.AddDays(3).AddMinutes(30));
        Drill.Evolve(drill, rescheduled)!.PlannedStart.ShouldBe(Now.AddDays(3).AddMinutes(30));
    }

    [Fact]
    public void rescheduling_into_the_past_or_to_the_same_start_is_refused()
    {
        DrillDecider.Decide(new RescheduleDrill(Now.AddMinutes(-1), null, Coordinator), Scheduled(), Free, Now)
            .ShouldBeRefused("drill.start-in-past", DomainErrorKind.Unprocessable);
        DrillDecider.Decide(new RescheduleDrill(Now.AddDays(3), null, Coordinator), Scheduled(), Free, Now)
            .ShouldBeRefused("drill.start-unchanged");
    }

    [Theory]
    [InlineData(DrillStatus.Started, "drill.already-started")]
    [InlineData(DrillStatus.Completed, "drill.completed")]
    [InlineData(DrillStatus.Cancelled, "drill.cancelled")]
    public void only_a_scheduled_drill_is_rescheduled(DrillStatus status, string code)
    {
        DrillDecider.Decide(new RescheduleDrill(Now.AddDays(5), null, Coordinator), StateOf(status), Free, Now).ShouldBeRefused(code);
    }

    [Fact]
    public void the_timer_starts_a_scheduled_drill_at_the_planned_start_it_was_made_for()
    {
        var started = DrillDecider.Decide(new StartDrill(IncidentId, Now.AddDays(3), Actor.System), Scheduled(), Now.AddDays(3))
            .Events.ShouldHaveSingleItem().ShouldBeOfType<DrillStarted>();

        started.IncidentId.ShouldBe(IncidentId);
        started.StartedByHand.ShouldBeFalse();
        Drill.Evolve(Scheduled(), started)!.Status.ShouldBe(DrillStatus.Started);
    }

    [Fact]
    public void a_stale_timer_of_a_rescheduled_drill_starts_nothing()
    {
        DrillDecider.Decide(new StartDrill(IncidentId, Now.AddDays(2), Actor.System), Scheduled(), Now.AddDays(2))
            .ShouldBeRefused("drill.start-moved");
    }

    [Fact]
    public void a_coordinator_starts_a_scheduled_drill_by_hand_before_its_planned_start()
    {
        DrillDecider.Decide(new StartDrill(IncidentId, null, Coordinator), Scheduled(), Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<DrillStarted>().StartedByHand.ShouldBeTrue();
    }

    [Theory]
    [InlineData(DrillStatus.Started, "drill.already-started")]
    [InlineData(DrillStatus.Completed, "drill.completed")]
    [InlineData(DrillStatus.Cancelled, "drill.cancelled")]
    public void only_a_scheduled_drill_starts(DrillStatus status, string code)
    {
        DrillDecider.Decide(new StartDrill(IncidentId, null, Coordinator), StateOf(status), Now).ShouldBeRefused(code);
    }

    [Fact]
    public void a_started_drill_is_completed_with_objectives_met_and_lessons_learned()
    {
        var completed = DrillDecider.Decide(new CompleteDrill(["fail over", "fail over"], "Runbook step 4 is outdated.", Coordinator),
                Started(), Now.AddDays(3).AddHours(1))
            .Events.ShouldHaveSingleItem().ShouldBeOfType<DrillCompleted>();

        completed.ObjectivesMet.ShouldBe(["fail over"]);
        completed.LessonsLearned.ShouldBe("Runbook step 4 is outdated.");
        Drill.Evolve(Started(), completed)!.Status.ShouldBe(DrillStatus.Completed);
    }

    [Fact]
    public void an_objective_the_drill_did_not_have_cannot_be_met()
    {
        DrillDecider.Decide(new CompleteDrill(["win the lottery"], "", Coordinator), Started(), Now)
            .ShouldBeRefused("drill.unknown-objective", DomainErrorKind.Unprocessable);
    }

    [Theory]
    [InlineData(DrillStatus.Scheduled, "drill.not-started")]
    [InlineData(DrillStatus.Completed, "drill.completed")]
    [InlineData(DrillStatus.Cancelled, "drill.cancelled")]
    public void only_a_started_drill_is_completed(DrillStatus status, string code)
    {
        DrillDecider.Decide(new CompleteDrill([], "", Coordinator), StateOf(status), Now).ShouldBeRefused(code);
    }

    [Theory]
    [InlineData(DrillStatus.Scheduled)]
    [InlineData(DrillStatus.Started)]
    public void a_scheduled_or_running_drill_is_cancelled_with_a_reason(DrillStatus status)
    {
        var cancelled = DrillDecider.Decide(new CancelDrill("Change freeze", Coordinator), StateOf(status), Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<DrillCancelled>();

        cancelled.Reason.ShouldBe("Change freeze");
        Drill.Evolve(StateOf(status), cancelled)!.Status.ShouldBe(DrillStatus.Cancelled);
    }

    [Theory]
    [InlineData(DrillStatus.Completed, "drill.completed")]
    [InlineData(DrillStatus.Cancelled, "drill.cancelled")]
    public void a_finished_drill_cannot_be_cancelled(DrillStatus status, string code)
    {
        DrillDecider.Decide(new CancelDrill("Too late", Coordinator), StateOf(status), Now).ShouldBeRefused(code);
    }

    [Fact]
    public void the_state_is_rebuilt_from_the_stream()
    {
        var events = new object[]
        {
            DrillDecider.Decide(Schedule(), null, Free, Now).Events[0],
            new DrillRescheduled(DrillId, Now.AddDays(3), Now.AddDays(4), null, Coordinator, Now),
            new DrillStarted(DrillId, IncidentId, false, Actor.System, Now.AddDays(4)),
        };

        var drill = Drill.From(events)!;
        drill.Status.ShouldBe(DrillStatus.Started);
        drill.PlannedStart.ShouldBe(Now.AddDays(4));
        drill.IncidentId.ShouldBe(IncidentId);
    }
}
