using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>
/// Property-style: one scheduled check per incident, re-armed at <see cref="SlaClock.NextCheckAt"/> every time it fires,
/// records exactly the notices the contract implies, each once, in time order, and then stops.
/// </summary>
public sealed class SlaScheduledCheckTests
{
    private static void ShouldRecordExactly(DurableScheduler.Outcome outcome, params string[] expected)
    {
        outcome.Notices.Select(Describe).ShouldBe(expected);

        var instants = outcome.Notices.Cast<IIncidentEvent>().Select(n => n.At).ToList();
        instants.ShouldBe(instants.Order().ToList(), "the notices are recorded in time order");
        outcome.Notices.OfType<SlaBreached>().GroupBy(b => b.Stage).ShouldAllBe(g => g.Count() == 1);
        outcome.Notices.OfType<SlaWarningRaised>().GroupBy(w => (w.Stage, w.Threshold)).ShouldAllBe(g => g.Count() == 1);

        SlaClock.NextCheckAt(outcome.State, SlaTime.T0.AddDays(30)).ShouldBeNull();
        SlaClock.DueNotices(outcome.State, T0.AddYears(1)).ShouldBeEmpty("nothing is left for a check a year later");
    }

    [Fact]
    public void an_outage_never_acknowledged_gets_both_warnings_and_one_breach_for_each_of_its_three_stages()
    {
        var outcome = DurableScheduler.Run(SlaStory.Reported(IncidentClass.Outage));

        ShouldRecordExactly(
            outcome,
            "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)",
            "Acknowledge warning 0.8 at +00:04:00 (due +00:05:00)",
            "Acknowledge breach at +00:05:00 (due +00:05:00, target 00:05:00)",
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "OnSite warning 0.8 at +00:48:00 (due +01:00:00)",
            "OnSite breach at +01:00:00 (due +01:00:00, target 01:00:00)",
            "Restore warning 0.5 at +02:00:00 (due +04:00:00)",
            "Restore warning 0.8 at +03:12:00 (due +04:00:00)",
            "Restore breach at +04:00:00 (due +04:00:00, target 04:00:00)");
        outcome.Checks.ShouldBe(
        [
            Seconds(150), Minutes(4), Minutes(5) + SlaClock.BreachGrace,
            Minutes(30), Minutes(48), Hours(1) + SlaClock.BreachGrace,
            Hours(2), Minutes(192), Hours(4) + SlaClock.BreachGrace,
        ]);
    }

    [Fact]
    public void an_outage_handled_in_time_only_gets_the_half_time_warnings_it_reached()
    {
        var story = SlaStory.Reported(IncidentClass.Outage)
            .Acknowledged(Minutes(3))
            .ArrivedOnSite(Minutes(41))
            .Restored(Minutes(130))
            .Resolved(Minutes(160))
            .Closed(Hours(24));

        ShouldRecordExactly(
            DurableScheduler.Run(story),
            "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)",
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "Restore warning 0.5 at +02:00:00 (due +04:00:00)");
    }

    [Fact]
    public void a_fault_acknowledged_late_and_resolved_remotely_gets_only_its_acknowledge_breach_and_warnings()
    {
        var story = SlaStory.Reported(IncidentClass.Fault).Acknowledged(Minutes(6)).Resolved(Minutes(20));

        ShouldRecordExactly(
            DurableScheduler.Run(story),
            "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)",
            "Acknowledge warning 0.8 at +00:04:00 (due +00:05:00)",
            "Acknowledge breach at +00:05:00 (due +00:05:00, target 00:05:00)");
    }

    [Fact]
    public void a_fault_that_turned_out_to_be_an_outage_and_was_restored_after_5_hours_breaches_restore_at_4_hours()
    {
        var story = SlaStory.Reported(IncidentClass.Fault)
            .Acknowledged(Minutes(2))
            .Reclassified(IncidentClass.Outage, Minutes(10))
            .ArrivedOnSite(Minutes(50))
            .Restored(Hours(5));

        ShouldRecordExactly(
            DurableScheduler.Run(story),
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "OnSite warning 0.8 at +00:48:00 (due +01:00:00)",
            "Restore warning 0.5 at +02:00:00 (due +04:00:00)",
            "Restore warning 0.8 at +03:12:00 (due +04:00:00)",
            "Restore breach at +04:00:00 (due +04:00:00, target 04:00:00)");
    }

    [Fact]
    public void a_major_event_acknowledged_after_90_seconds_breaches_acknowledge_at_1_minute()
    {
        var story = SlaStory.Reported(IncidentClass.MajorEvent)
            .Acknowledged(Seconds(90))
            .ArrivedOnSite(Minutes(45))
            .Restored(Hours(3));

        ShouldRecordExactly(
            DurableScheduler.Run(story),
            "Acknowledge warning 0.5 at +00:00:30 (due +00:01:00)",
            "Acknowledge warning 0.8 at +00:00:48 (due +00:01:00)",
            "Acknowledge breach at +00:01:00 (due +00:01:00, target 00:01:00)",
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "Restore warning 0.5 at +02:00:00 (due +04:00:00)");
    }

    [Fact]
    public void a_false_alarm_cancelled_at_12_minutes_stops_being_checked()
    {
        var outcome = DurableScheduler.Run(SlaStory.Reported(IncidentClass.Outage).Acknowledged(Minutes(3)).Cancelled(Minutes(12)));

        ShouldRecordExactly(outcome, "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)");
        outcome.Checks.ShouldBe([Seconds(150)]);
    }

    [Fact]
    public void a_security_event_never_acknowledged_is_checked_three_times_and_then_never_again()
    {
        var outcome = DurableScheduler.Run(SlaStory.Reported(IncidentClass.SecurityEvent));

        ShouldRecordExactly(
            outcome,
            "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)",
            "Acknowledge warning 0.8 at +00:04:00 (due +00:05:00)",
            "Acknowledge breach at +00:05:00 (due +00:05:00, target 00:05:00)");
        outcome.Checks.Count.ShouldBe(3);
    }

    [Fact]
    public void an_outage_acknowledged_late_while_this_service_was_down_still_gets_its_breach_when_the_service_is_back()
    {
        var story = SlaStory.Reported(IncidentClass.Outage)
            .Acknowledged(Minutes(7))
            .ArrivedOnSite(Minutes(35))
            .Restored(Minutes(90))
            .Resolved(Hours(2));

        var outcome = DurableScheduler.Run(story, downFrom: Minutes(1), downUntil: Minutes(20));

        ShouldRecordExactly(
            outcome,
            "Acknowledge breach at +00:05:00 (due +00:05:00, target 00:05:00)",
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)");
        outcome.Checks.First().ShouldBe(Minutes(20));
    }

    [Fact]
    public void an_outage_never_acknowledged_skips_the_warnings_missed_while_this_service_was_down_but_not_the_breaches()
    {
        var outcome = DurableScheduler.Run(SlaStory.Reported(IncidentClass.Outage), downFrom: Minutes(2), downUntil: Minutes(50));

        ShouldRecordExactly(
            outcome,
            "Acknowledge breach at +00:05:00 (due +00:05:00, target 00:05:00)",
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "OnSite warning 0.8 at +00:48:00 (due +01:00:00)",
            "OnSite breach at +01:00:00 (due +01:00:00, target 01:00:00)",
            "Restore warning 0.5 at +02:00:00 (due +04:00:00)",
            "Restore warning 0.8 at +03:12:00 (due +04:00:00)",
            "Restore breach at +04:00:00 (due +04:00:00, target 04:00:00)");
        outcome.Checks.First().ShouldBe(Minutes(50));
    }

    [Fact]
    public void an_outage_reclassified_to_a_security_event_stops_being_checked_for_on_site_and_restore()
    {
        var story = SlaStory.Reported(IncidentClass.Outage).Acknowledged(Minutes(3)).Reclassified(IncidentClass.SecurityEvent, Minutes(20));

        ShouldRecordExactly(DurableScheduler.Run(story), "Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)");
    }

    [Fact]
    public void a_major_event_breach_on_record_does_not_depend_on_this_service_being_up_before_a_reclassification_to_an_outage()
    {
        // Finding: the same facts give a breach on record when the check ran at 1 minute, and none when this service was
        // down until after the reclassification; Evaluate then even reports the stage Met with a breach recorded for it.
        var story = SlaStory.Reported(IncidentClass.MajorEvent)
            .Reclassified(IncidentClass.Outage, Minutes(2))
            .Acknowledged(Minutes(3))
            .Restored(Minutes(20));

        var up = DurableScheduler.Run(story);
        var down = DurableScheduler.Run(story, downFrom: Seconds(20), downUntil: Seconds(150));

        down.Notices.OfType<SlaBreached>().Select(Describe).ShouldBe(up.Notices.OfType<SlaBreached>().Select(Describe));
    }

    [Fact]
    public void an_on_site_breach_on_record_does_not_depend_on_this_service_being_up_before_a_reclassification_to_a_security_event()
    {
        // Finding: an outage nobody attended by 1 hour, reclassified to a security event at 1 h 10: its on-site breach is
        // recorded if the check ran at 1 hour, and never if this service was down from 50 minutes to 1 h 20.
        var story = SlaStory.Reported(IncidentClass.Outage)
            .Acknowledged(Minutes(2))
            .Reclassified(IncidentClass.SecurityEvent, Minutes(70));

        var up = DurableScheduler.Run(story);
        var down = DurableScheduler.Run(story, downFrom: Minutes(50), downUntil: Minutes(80));

        down.Notices.OfType<SlaBreached>().Select(Describe).ShouldBe(up.Notices.OfType<SlaBreached>().Select(Describe));
    }
}
