using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>How a stage stands over time: running, breached, met, met late; elapsed and remaining time.</summary>
public sealed class SlaClockStatusTests
{
    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    [Fact]
    public void an_outage_not_yet_acknowledged_is_running_one_second_before_its_5_minute_due_time()
    {
        var acknowledge = Outage.Clock(SlaStage.Acknowledge, Minutes(5).AddSeconds(-1));

        acknowledge.Status.ShouldBe(SlaStageStatus.Running);
        acknowledge.Elapsed.ShouldBe(TimeSpan.FromSeconds(299));
        acknowledge.Remaining.ShouldBe(TimeSpan.FromSeconds(1));
        acknowledge.StoppedAt.ShouldBeNull();
    }

    [Fact]
    public void at_exactly_its_due_time_an_open_stage_is_still_running_with_nothing_remaining()
    {
        var acknowledge = Outage.Clock(SlaStage.Acknowledge, Minutes(5));

        acknowledge.Status.ShouldBe(SlaStageStatus.Running);
        acknowledge.Remaining.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void an_outage_not_acknowledged_in_5_minutes_breaches_one_tick_after_its_due_time()
    {
        var acknowledge = Outage.Clock(SlaStage.Acknowledge, Minutes(5) + OneTick);

        acknowledge.Status.ShouldBe(SlaStageStatus.Breached);
        acknowledge.Remaining.ShouldBe(-OneTick);
    }

    [Fact]
    public void an_outage_still_not_acknowledged_at_7_minutes_is_breached_by_2_minutes()
    {
        var acknowledge = Outage.Clock(SlaStage.Acknowledge, Minutes(7));

        acknowledge.Status.ShouldBe(SlaStageStatus.Breached);
        acknowledge.Elapsed.ShouldBe(TimeSpan.FromMinutes(7));
        acknowledge.Remaining.ShouldBe(TimeSpan.FromMinutes(-2));
        acknowledge.DueAt.ShouldBe(Minutes(5));
        acknowledge.IsWarning.ShouldBeFalse();
    }

    [Fact]
    public void an_outage_acknowledged_in_3_minutes_is_met_for_good()
    {
        var story = Outage.Acknowledged(Minutes(3));

        foreach (var now in new[] { Minutes(3), Minutes(10), Hours(72) })
        {
            var acknowledge = story.Clock(SlaStage.Acknowledge, now);
            acknowledge.Status.ShouldBe(SlaStageStatus.Met);
            acknowledge.StoppedAt.ShouldBe(Minutes(3));
            acknowledge.Elapsed.ShouldBe(TimeSpan.FromMinutes(3));
            acknowledge.Remaining.ShouldBeNull();
            acknowledge.Target.ShouldBe(TimeSpan.FromMinutes(5));
            acknowledge.DueAt.ShouldBe(Minutes(5));
        }
    }

    [Fact]
    public void an_acknowledgement_exactly_at_the_5_minute_due_time_is_met()
    {
        var acknowledge = Outage.Acknowledged(Minutes(5)).Clock(SlaStage.Acknowledge, Hours(1));

        acknowledge.Status.ShouldBe(SlaStageStatus.Met);
        acknowledge.Elapsed.ShouldBe(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void an_acknowledgement_one_tick_after_the_due_time_is_met_late()
    {
        Outage.Acknowledged(Minutes(5) + OneTick).Clock(SlaStage.Acknowledge, Hours(1)).Status.ShouldBe(SlaStageStatus.MetLate);
    }

    [Fact]
    public void an_outage_acknowledged_at_7_minutes_is_met_late_after_7_minutes()
    {
        var acknowledge = Outage.Acknowledged(Minutes(7)).Clock(SlaStage.Acknowledge, Hours(1));

        acknowledge.Status.ShouldBe(SlaStageStatus.MetLate);
        acknowledge.StoppedAt.ShouldBe(Minutes(7));
        acknowledge.Elapsed.ShouldBe(TimeSpan.FromMinutes(7));
        acknowledge.Remaining.ShouldBeNull();
    }

    [Fact]
    public void at_3_minutes_17_seconds_each_stage_of_an_outage_has_exactly_its_target_minus_that_left()
    {
        var clocks = SlaClock.Evaluate(Outage.State, Seconds(197));

        clocks.Select(c => (c.Stage, c.Elapsed, c.Remaining)).ShouldBe(
        [
            (SlaStage.Acknowledge, TimeSpan.FromSeconds(197), (TimeSpan?)new TimeSpan(0, 1, 43)),
            (SlaStage.OnSite, TimeSpan.FromSeconds(197), new TimeSpan(0, 56, 43)),
            (SlaStage.Restore, TimeSpan.FromSeconds(197), new TimeSpan(3, 56, 43)),
        ]);
    }

    [Fact]
    public void the_elapsed_time_of_a_stopped_stage_does_not_grow()
    {
        var story = Outage.Acknowledged(Seconds(200));

        story.Clock(SlaStage.Acknowledge, Minutes(10)).Elapsed.ShouldBe(TimeSpan.FromSeconds(200));
        story.Clock(SlaStage.Acknowledge, Hours(500)).Elapsed.ShouldBe(TimeSpan.FromSeconds(200));
    }

    [Fact]
    public void the_clock_runs_on_the_wall_clock_through_the_night_and_the_weekend_without_pause()
    {
        // Reported Tuesday 02:00 UTC; Saturday and Sunday pass without pause.
        var restore = Outage.Clock(SlaStage.Restore, T0.AddDays(5));

        restore.Elapsed.ShouldBe(TimeSpan.FromDays(5));
        restore.Remaining.ShouldBe(TimeSpan.FromHours(4) - TimeSpan.FromDays(5));
    }

    [Fact]
    public void an_open_acknowledge_stage_is_a_warning_from_half_its_target_until_its_due_time()
    {
        Outage.Clock(SlaStage.Acknowledge, Seconds(149)).IsWarning.ShouldBeFalse();
        Outage.Clock(SlaStage.Acknowledge, Seconds(150)).IsWarning.ShouldBeTrue();
        Outage.Clock(SlaStage.Acknowledge, Minutes(5)).IsWarning.ShouldBeTrue();
        Outage.Clock(SlaStage.Acknowledge, Minutes(5) + OneTick).IsWarning.ShouldBeFalse();
    }

    [Fact]
    public void a_warning_threshold_passed_is_shown_but_not_raised_until_the_check_records_it()
    {
        var warnings = Outage.Clock(SlaStage.Acknowledge, Seconds(200)).Warnings;

        warnings.ShouldBe(
        [
            new SlaWarningClock(0.5, Seconds(150), Passed: true, Raised: false),
            new SlaWarningClock(0.8, Minutes(4), Passed: false, Raised: false),
        ]);

        Outage.CheckedAt(Seconds(200)).Clock(SlaStage.Acknowledge, Seconds(200)).Warnings[0].Raised.ShouldBeTrue();
    }

    [Fact]
    public void a_stage_met_before_its_first_threshold_shows_no_threshold_passed()
    {
        var warnings = Outage.Acknowledged(Minutes(2)).Clock(SlaStage.Acknowledge, Hours(1)).Warnings;

        warnings.ShouldAllBe(w => !w.Passed && !w.Raised);
    }
}
