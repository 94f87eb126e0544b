using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>Cancelling stops the clock (open stages become cancelled); reopening does not restart stopped stages.</summary>
public sealed class SlaClockCancellationAndReopeningTests
{
    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    private static readonly SlaStory FalseAlarm = Outage.Acknowledged(Minutes(3)).Cancelled(Minutes(12));

    private static readonly SlaStory HandledAndReopened = Outage
        .Acknowledged(Minutes(3))
        .ArrivedOnSite(Minutes(41))
        .Restored(Minutes(130))
        .Resolved(Minutes(160))
        .Closed(Hours(24))
        .Reopened(Hours(25));

    [Fact]
    public void a_false_alarm_cancelled_at_12_minutes_turns_its_open_stages_cancelled_and_keeps_the_met_acknowledgement()
    {
        SlaClock.Evaluate(FalseAlarm.State, Hours(5)).Select(c => (c.Stage, c.Status, c.Remaining)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, (TimeSpan?)null),
            (SlaStage.OnSite, SlaStageStatus.Cancelled, null),
            (SlaStage.Restore, SlaStageStatus.Cancelled, null),
        ]);
    }

    [Fact]
    public void the_elapsed_time_of_a_cancelled_stage_stops_at_the_cancellation()
    {
        SlaClock.Evaluate(FalseAlarm.State, Hours(5)).Select(c => c.Elapsed)
            .ShouldBe([TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(12)]);
        SlaClock.Evaluate(FalseAlarm.State, T0.AddDays(30)).Select(c => c.Elapsed)
            .ShouldBe([TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(12)]);
    }

    [Fact]
    public void a_cancelled_stage_shows_no_threshold_passed_after_the_cancellation()
    {
        FalseAlarm.Clock(SlaStage.OnSite, Hours(5)).Warnings.ShouldAllBe(w => !w.Passed);
        FalseAlarm.Clock(SlaStage.OnSite, Hours(5)).IsWarning.ShouldBeFalse();
    }

    [Theory]
    [InlineData(30)]
    [InlineData(48)]
    [InlineData(61)]
    [InlineData(121)]
    [InlineData(241)]
    [InlineData(60 * 24 * 7)]
    public void a_false_alarm_cancelled_in_time_produces_no_notice_ever(int minutesAfterReport)
    {
        FalseAlarm.DueNotices(Minutes(minutesAfterReport)).ShouldBeEmpty();
    }

    [Fact]
    public void a_false_alarm_cancelled_in_time_needs_no_further_check()
    {
        FalseAlarm.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void an_outage_cancelled_before_anyone_acknowledged_it_stops_its_acknowledge_clock_without_warnings()
    {
        var story = Outage.Cancelled(Minutes(2));

        story.Clock(SlaStage.Acknowledge, Minutes(10)).Status.ShouldBe(SlaStageStatus.Cancelled);
        story.Clock(SlaStage.Acknowledge, Minutes(10)).Elapsed.ShouldBe(TimeSpan.FromMinutes(2));
        story.DueNotices(Seconds(150)).ShouldBeEmpty();
        story.DueNotices(Minutes(10)).ShouldBeEmpty();
        story.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void warnings_already_raised_before_a_cancellation_stay_on_record_and_nothing_follows()
    {
        var story = Outage.CheckedAt(Seconds(150)).Cancelled(Minutes(3));

        story.Clock(SlaStage.Acknowledge, Minutes(10)).Warnings[0].Raised.ShouldBeTrue();
        story.DueNotices(Minutes(10)).ShouldBeEmpty();
        story.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void a_second_cancellation_does_not_move_the_instant_the_clock_stopped()
    {
        var story = FalseAlarm.Cancelled(Minutes(50));

        story.State.CancelledAt.ShouldBe(Minutes(12));
    }

    [Fact]
    public void a_false_alarm_cancelled_after_its_acknowledge_due_time_still_records_the_breach_that_had_happened()
    {
        // The stage was open strictly after its due time: the breach happened at 5 minutes, whatever followed.
        var story = Outage.Cancelled(Minutes(8));

        story.Clock(SlaStage.Acknowledge, Minutes(10)).Status.ShouldBe(SlaStageStatus.Cancelled);
        story.DueNotices(Minutes(10)).ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5))]);
        story.CheckedAt(Minutes(10)).NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void reopening_does_not_restart_stages_stopped_before()
    {
        SlaClock.Evaluate(HandledAndReopened.State, Hours(30)).Select(c => (c.Status, c.StoppedAt)).ShouldBe(
        [
            (SlaStageStatus.Met, (DateTimeOffset?)Minutes(3)),
            (SlaStageStatus.Met, Minutes(41)),
            (SlaStageStatus.Met, Minutes(130)),
        ]);
        HandledAndReopened.DueNotices(Hours(30)).ShouldBeEmpty();
        HandledAndReopened.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void a_restoration_after_reopening_does_not_move_the_first_restoration()
    {
        var story = HandledAndReopened.ArrivedOnSite(Hours(26), "eng.chen").Restored(Hours(27));

        story.Clock(SlaStage.Restore, Hours(30)).StoppedAt.ShouldBe(Minutes(130));
        story.Clock(SlaStage.OnSite, Hours(30)).StoppedAt.ShouldBe(Minutes(41));
    }

    [Fact]
    public void a_reopened_incident_cancelled_afterwards_keeps_its_stages_met_not_cancelled()
    {
        var story = HandledAndReopened.Cancelled(Hours(26));

        SlaClock.Evaluate(story.State, Hours(30)).ShouldAllBe(c => c.Status == SlaStageStatus.Met);
        story.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void a_stage_met_late_before_reopening_stays_met_late_with_its_breach_on_record()
    {
        var story = Outage.Acknowledged(Minutes(7)).CheckedAt(Minutes(7))
            .Restored(Minutes(20)).Resolved(Minutes(30)).Closed(Hours(2)).Reopened(Hours(3));

        var acknowledge = story.Clock(SlaStage.Acknowledge, Hours(4));
        acknowledge.Status.ShouldBe(SlaStageStatus.MetLate);
        acknowledge.BreachRecordedFor.ShouldBe(Minutes(5));
        story.DueNotices(Hours(4)).ShouldBeEmpty();
    }
}
