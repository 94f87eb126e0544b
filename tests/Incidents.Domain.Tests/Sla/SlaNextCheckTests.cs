using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>When the one scheduled check of an incident must fire next, and when nothing is left to check.</summary>
public sealed class SlaNextCheckTests
{
    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    [Fact]
    public void the_breach_grace_is_one_millisecond()
    {
        SlaClock.BreachGrace.ShouldBe(TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void a_new_outage_is_first_checked_at_its_half_time_acknowledge_warning()
    {
        Outage.NextCheckAt.ShouldBe(Seconds(150));
    }

    [Fact]
    public void once_the_half_time_warning_is_recorded_the_next_check_is_the_four_fifths_warning_at_4_minutes()
    {
        Outage.CheckedAt(Seconds(150)).NextCheckAt.ShouldBe(Minutes(4));
    }

    [Fact]
    public void once_both_warnings_are_recorded_the_next_check_is_one_grace_after_the_due_time()
    {
        var story = Outage.CheckedAt(Seconds(150)).CheckedAt(Minutes(4));

        story.NextCheckAt.ShouldBe(Minutes(5) + SlaClock.BreachGrace);
        story.DueNotices(Minutes(5) + SlaClock.BreachGrace).ShouldBe([SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5))]);
    }

    [Fact]
    public void after_the_breach_and_the_acknowledgement_the_next_check_is_the_on_site_half_time_warning_at_30_minutes()
    {
        var story = Outage.CheckedAt(Seconds(150)).CheckedAt(Minutes(4)).CheckedAt(Minutes(5) + SlaClock.BreachGrace).Acknowledged(Minutes(6));

        story.NextCheckAt.ShouldBe(Minutes(30));
    }

    [Fact]
    public void an_acknowledgement_before_the_first_warning_moves_the_next_check_to_the_on_site_half_time_warning()
    {
        Outage.Acknowledged(Minutes(2)).NextCheckAt.ShouldBe(Minutes(30));
    }

    [Fact]
    public void a_stage_met_late_without_a_recorded_breach_is_due_for_a_check_right_away()
    {
        var story = Outage.Acknowledged(Minutes(7));

        story.NextCheckAt.ShouldBe(Minutes(5) + SlaClock.BreachGrace);
    }

    [Fact]
    public void nothing_is_left_to_check_when_every_stage_was_stopped_in_time()
    {
        Outage.Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41)).Restored(Minutes(130)).NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void nothing_is_left_to_check_when_every_stage_is_breached_and_the_breaches_are_recorded()
    {
        var story = Outage.CheckedAt(Hours(4).AddSeconds(1));

        story.Events.OfType<SlaBreached>().Count().ShouldBe(3);
        story.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void nothing_is_left_to_check_for_an_incident_cancelled_with_its_stages_stopped_in_time()
    {
        Outage.Acknowledged(Minutes(3)).Cancelled(Minutes(12)).NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void nothing_is_left_to_check_for_a_fault_once_acknowledged_and_attended_in_time()
    {
        SlaStory.Reported(IncidentClass.Fault).Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(40)).NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void a_stage_whose_thresholds_passed_unnoticed_is_checked_at_the_earliest_one()
    {
        // The scheduler was down: the check is overdue, and firing it now raises the missed warnings.
        var story = Outage.Acknowledged(Minutes(2));

        story.NextCheckAt.ShouldBe(Minutes(30));
        story.DueNotices(Minutes(50)).Select(Describe).ShouldBe(
        [
            "OnSite warning 0.5 at +00:30:00 (due +01:00:00)",
            "OnSite warning 0.8 at +00:48:00 (due +01:00:00)",
        ]);
    }

    [Fact]
    public void a_warning_at_seven_tenths_of_5_minutes_falls_at_exactly_3_minutes_30_seconds()
    {
        // Finding: WarnAt truncates target.Ticks * fraction computed in floating point; 3e9 * 0.7 is 2099999999.9999998,
        // so the threshold falls one tick (100 ns) early, at 03:29.9999999.
        var policy = SlaPolicy.ContractDefault with { WarningFractions = [0.7] };
        var story = SlaStory.Reported(IncidentClass.Outage, policy);

        (story.Clock(SlaStage.Acknowledge, T0).Warnings.Single().At - T0).ShouldBe(TimeSpan.FromSeconds(210));
        (story.NextCheckAt - T0).ShouldBe(TimeSpan.FromSeconds(210));
    }
}
