using Incidents.Domain.Clocks;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Domain.Tests.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Clocks;

/// <summary>
/// One check of an incident's clocks (<see cref="ClockTick.At"/>), on the contract's SLA and escalation chains: an outage
/// must be acknowledged in 5 minutes, warned at 50 % and 80 %; its chain pages the duty engineer at once and the project
/// manager 5 minutes later.
/// </summary>
public sealed class ClockTickTests
{
    private static readonly EscalationPolicy Contract = EscalationPolicy.ContractDefault;

    /// <summary>An outage as the report records it: the report and level 1 of its chain.</summary>
    private static SlaStory Outage()
    {
        var story = SlaStory.Reported(IncidentClass.Outage);
        return story.Recorded(EscalationClock.Due(EscalationClock.From(story.Events)!, Contract.For(IncidentClass.Outage), T0));
    }

    private static IncidentClocks Clocks(SlaStory story) => IncidentClocks.From(story.Events);

    [Fact]
    public void half_way_to_the_acknowledge_target_the_check_warns_and_carries_the_chain_of_checks_on()
    {
        var tick = ClockTick.At(Clocks(Outage()), Contract, Seconds(150));

        tick.Notices.Select(Describe).ShouldBe(["Acknowledge warning 0.5 at +00:02:30 (due +00:05:00)"]);
        tick.NextCheckAt.ShouldBe(Minutes(4), "the 80 % warning is next");
    }

    [Fact]
    public void an_outage_not_acknowledged_in_5_minutes_breaches_and_pages_the_next_level_in_the_same_check()
    {
        var story = Outage().Recorded(ClockTick.At(Clocks(Outage()), Contract, Minutes(4)).Notices);

        var tick = ClockTick.At(Clocks(story), Contract, Minutes(5).AddSeconds(1));

        tick.Notices.Count.ShouldBe(2);
        tick.Notices[0].ShouldBeOfType<SlaBreached>().Stage.ShouldBe(SlaStage.Acknowledge);
        var level2 = tick.Notices[1].ShouldBeOfType<EscalationLevelRaised>();
        level2.Level.ShouldBe(2);
        level2.Reason.ShouldBe(EscalationReason.SlaBreached);
        tick.NextCheckAt.ShouldNotBeNull().ShouldBeGreaterThan(Minutes(5));
    }

    [Fact]
    public void a_check_that_finds_nothing_due_schedules_nothing_so_stale_checks_do_not_multiply()
    {
        var tick = ClockTick.At(Clocks(Outage()), Contract, Seconds(10));

        tick.HasNotices.ShouldBeFalse();
        tick.NextCheckAt.ShouldBeNull("the check the report scheduled (at 2:30) still stands");
    }

    [Fact]
    public void an_acknowledged_and_restored_incident_has_nothing_left_to_announce()
    {
        var story = Outage().Acknowledged(Minutes(2)).ArrivedOnSite(Minutes(40)).Restored(Minutes(90));

        var tick = ClockTick.At(Clocks(story), Contract, Hours(5));

        tick.HasNotices.ShouldBeFalse();
        tick.NextCheckAt.ShouldBeNull();
    }

    [Fact]
    public void the_same_clocks_at_the_same_instant_always_record_the_same_notices()
    {
        var clocks = Clocks(Outage());

        ClockTick.At(clocks, Contract, Minutes(7)).Notices.ShouldBe(ClockTick.At(clocks, Contract, Minutes(7)).Notices);
    }
}
