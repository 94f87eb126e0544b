using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>The warnings and breaches a check appends: each once, stamped with the instant they happened.</summary>
public sealed class SlaDueNoticesTests
{
    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    [Fact]
    public void nothing_is_due_for_a_new_outage_before_half_its_acknowledge_target()
    {
        Outage.DueNotices(T0).ShouldBeEmpty();
        Outage.DueNotices(Seconds(149)).ShouldBeEmpty();
    }

    [Fact]
    public void an_open_outage_gets_exactly_one_acknowledge_warning_at_2_minutes_30_seconds()
    {
        Outage.DueNotices(Seconds(150)).ShouldBe([SlaStory.Warning(SlaStage.Acknowledge, 0.5, Minutes(5), Seconds(150))]);
    }

    [Fact]
    public void a_recorded_warning_is_not_produced_again_at_the_same_instant_or_later()
    {
        var story = Outage.CheckedAt(Seconds(150));

        story.DueNotices(Seconds(150)).ShouldBeEmpty();
        story.DueNotices(Minutes(3)).ShouldBeEmpty();
    }

    [Fact]
    public void a_warning_checked_late_is_stamped_with_its_threshold_instant_not_the_check_time()
    {
        Outage.DueNotices(Seconds(200)).ShouldBe([SlaStory.Warning(SlaStage.Acknowledge, 0.5, Minutes(5), Seconds(150))]);
    }

    [Fact]
    public void a_check_late_but_before_the_due_time_raises_every_threshold_passed_in_order()
    {
        Outage.DueNotices(Seconds(270)).ShouldBe(
        [
            SlaStory.Warning(SlaStage.Acknowledge, 0.5, Minutes(5), Seconds(150)),
            SlaStory.Warning(SlaStage.Acknowledge, 0.8, Minutes(5), Minutes(4)),
        ]);
    }

    [Fact]
    public void the_four_fifths_warning_follows_once_the_half_time_one_is_on_record()
    {
        Outage.CheckedAt(Seconds(150)).DueNotices(Minutes(4))
            .ShouldBe([SlaStory.Warning(SlaStage.Acknowledge, 0.8, Minutes(5), Minutes(4))]);
    }

    [Fact]
    public void at_exactly_the_due_time_there_is_no_breach_yet()
    {
        Outage.CheckedAt(Minutes(4)).DueNotices(Minutes(5)).ShouldBeEmpty();
    }

    [Fact]
    public void an_outage_not_acknowledged_in_5_minutes_breaches_stamped_with_its_due_time_and_without_stale_warnings()
    {
        var notices = Outage.DueNotices(Minutes(5).AddSeconds(1));

        notices.ShouldBe([new SlaBreached(SlaStory.IncidentId, SlaStage.Acknowledge, Five, Minutes(5), Actor.System, Minutes(5))]);
    }

    [Fact]
    public void the_four_fifths_warning_never_raised_is_skipped_once_the_stage_is_already_due()
    {
        Outage.CheckedAt(Seconds(150)).DueNotices(Minutes(5).AddSeconds(1)).ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, Five)]);
    }

    [Fact]
    public void a_major_event_not_acknowledged_within_1_minute_breaches_at_1_minute()
    {
        SlaStory.Reported(IncidentClass.MajorEvent).CheckedAt(Seconds(48)).DueNotices(Seconds(61))
            .ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(1))]);
    }

    [Fact]
    public void a_breach_is_recorded_once_per_stage_and_never_again_even_much_later()
    {
        var story = Outage.CheckedAt(Minutes(5).AddSeconds(1));

        story.DueNotices(Minutes(5).AddSeconds(1)).ShouldBeEmpty();
        story.DueNotices(Minutes(20)).ShouldBeEmpty();
        story.DueNotices(T0.AddDays(30)).OfType<SlaBreached>().Select(b => b.Stage).ShouldBe([SlaStage.OnSite, SlaStage.Restore]);
        story.Acknowledged(Hours(40)).DueNotices(Hours(41)).OfType<SlaBreached>().ShouldNotContain(b => b.Stage == SlaStage.Acknowledge);
    }

    [Fact]
    public void a_stage_met_late_while_the_service_was_down_still_gets_its_breach_stamped_with_its_due_time()
    {
        // Nothing was checked before the acknowledgement at 7 minutes: this service was down at the due time.
        var story = Outage.Acknowledged(Minutes(7));

        story.DueNotices(Minutes(20)).ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, Five)]);
        story.CheckedAt(Minutes(20)).DueNotices(Minutes(20)).ShouldBeEmpty();
    }

    [Fact]
    public void a_stage_met_late_gets_no_warnings_for_the_thresholds_that_were_missed()
    {
        Outage.Acknowledged(Minutes(7)).DueNotices(Minutes(7)).OfType<SlaWarningRaised>().ShouldBeEmpty();
    }

    [Fact]
    public void a_stage_met_in_time_produces_nothing()
    {
        var story = Outage.Acknowledged(Minutes(3));

        story.DueNotices(Seconds(270)).ShouldBeEmpty();
        story.DueNotices(Minutes(10)).ShouldBeEmpty();
    }

    [Fact]
    public void a_stage_stopped_after_a_threshold_that_was_never_raised_gets_no_warning()
    {
        var story = Outage.Acknowledged(Seconds(160));

        story.DueNotices(Seconds(170)).ShouldBeEmpty();
    }

    [Fact]
    public void a_stage_met_exactly_at_its_due_time_produces_no_breach()
    {
        Outage.Acknowledged(Minutes(5)).DueNotices(Minutes(6)).ShouldBeEmpty();
    }

    [Fact]
    public void a_check_after_a_long_outage_of_this_service_records_the_breach_of_each_open_stage_and_no_stale_warning()
    {
        Outage.DueNotices(Hours(1).AddSeconds(1)).ShouldBe(
        [
            SlaStory.Breach(SlaStage.Acknowledge, Five),
            SlaStory.Breach(SlaStage.OnSite, TimeSpan.FromHours(1)),
        ]);
    }

    [Fact]
    public void a_check_late_but_before_the_on_site_due_time_raises_both_on_site_warnings_it_missed()
    {
        Outage.CheckedAt(Minutes(6)).DueNotices(Minutes(50)).ShouldBe(
        [
            SlaStory.Warning(SlaStage.OnSite, 0.5, Hours(1), Minutes(30)),
            SlaStory.Warning(SlaStage.OnSite, 0.8, Hours(1), Minutes(48)),
        ]);
    }

    [Fact]
    public void a_fault_never_gets_a_restore_notice()
    {
        SlaStory.Reported(IncidentClass.Fault).Acknowledged(Minutes(3)).DueNotices(T0.AddDays(3))
            .ShouldBe([SlaStory.Breach(SlaStage.OnSite, TimeSpan.FromHours(1))]);
    }

    [Fact]
    public void a_security_event_only_ever_gets_acknowledge_notices()
    {
        var story = SlaStory.Reported(IncidentClass.SecurityEvent);

        story.DueNotices(T0.AddDays(3)).ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, Five)]);
        story.CheckedAt(T0.AddDays(3)).NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void notices_are_issued_by_the_system_for_this_incident()
    {
        Outage.DueNotices(Hours(5)).Cast<IIncidentEvent>().ShouldAllBe(n => n.IncidentId == SlaStory.IncidentId && n.By == Actor.System);
    }

    [Fact]
    public void a_duplicated_notice_delivered_twice_is_recorded_once()
    {
        var warning = SlaStory.Warning(SlaStage.Acknowledge, 0.5, Minutes(5), Seconds(150));
        var breach = SlaStory.Breach(SlaStage.Acknowledge, Five);

        var state = Outage.Recorded([warning, warning, breach, breach with { DueAt = Minutes(9), At = Minutes(9) }]).State;

        state[SlaStage.Acknowledge].WarningsRaised.ShouldBe([new SlaWarningMark(0.5, Minutes(5))]);
        state[SlaStage.Acknowledge].BreachRecordedFor.ShouldBe(Minutes(5));
    }
}
