using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>The due times each class gets from the contract's default policy (requirements: response clock).</summary>
public sealed class SlaClockTargetsTests
{
    private static SlaStageClock ClockOf(IncidentClass incidentClass, SlaStage stage) =>
        SlaStory.Reported(incidentClass).Clock(stage, T0);

    [Fact]
    public void an_outage_must_be_acknowledged_by_5_minutes_attended_on_site_by_1_hour_and_restored_by_4_hours_after_the_report()
    {
        var clocks = SlaClock.Evaluate(SlaStory.Reported(IncidentClass.Outage).State, T0);

        clocks.Select(c => (c.Stage, c.Status, c.Target, c.DueAt)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Running, TimeSpan.FromMinutes(5), Minutes(5)),
            (SlaStage.OnSite, SlaStageStatus.Running, TimeSpan.FromHours(1), Hours(1)),
            (SlaStage.Restore, SlaStageStatus.Running, TimeSpan.FromHours(4), Hours(4)),
        ]);
    }

    [Fact]
    public void a_major_event_must_be_acknowledged_within_1_minute_of_the_report()
    {
        var clocks = SlaClock.Evaluate(SlaStory.Reported(IncidentClass.MajorEvent).State, T0);

        clocks.Select(c => (c.Stage, c.Status, c.Target, c.DueAt)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Running, TimeSpan.FromMinutes(1), Minutes(1)),
            (SlaStage.OnSite, SlaStageStatus.Running, TimeSpan.FromHours(1), Hours(1)),
            (SlaStage.Restore, SlaStageStatus.Running, TimeSpan.FromHours(4), Hours(4)),
        ]);
    }

    [Fact]
    public void a_fault_has_acknowledge_and_on_site_clocks_but_no_restore_clock()
    {
        ClockOf(IncidentClass.Fault, SlaStage.Acknowledge).DueAt.ShouldBe(Minutes(5));
        ClockOf(IncidentClass.Fault, SlaStage.OnSite).DueAt.ShouldBe(Hours(1));

        var restore = ClockOf(IncidentClass.Fault, SlaStage.Restore);
        restore.Status.ShouldBe(SlaStageStatus.NotApplicable);
        restore.Target.ShouldBeNull();
        restore.DueAt.ShouldBeNull();
        restore.Remaining.ShouldBeNull();
        restore.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void a_security_event_only_has_to_be_acknowledged_within_5_minutes()
    {
        var clocks = SlaClock.Evaluate(SlaStory.Reported(IncidentClass.SecurityEvent).State, Minutes(2));

        clocks.Select(c => (c.Stage, c.Status, c.DueAt)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Running, (DateTimeOffset?)Minutes(5)),
            (SlaStage.OnSite, SlaStageStatus.NotApplicable, null),
            (SlaStage.Restore, SlaStageStatus.NotApplicable, null),
        ]);
    }

    [Theory]
    [InlineData(IncidentClass.Outage)]
    [InlineData(IncidentClass.Fault)]
    [InlineData(IncidentClass.MajorEvent)]
    [InlineData(IncidentClass.SecurityEvent)]
    public void every_stage_of_every_class_starts_at_the_report_time(IncidentClass incidentClass)
    {
        SlaClock.Evaluate(SlaStory.Reported(incidentClass).State, Minutes(1)).ShouldAllBe(c => c.StartedAt == T0);
    }

    [Fact]
    public void the_clock_has_exactly_the_three_stages_of_the_contract_in_order()
    {
        SlaStory.Reported(IncidentClass.Outage).State.Stages.Select(s => s.Stage)
            .ShouldBe([SlaStage.Acknowledge, SlaStage.OnSite, SlaStage.Restore]);
    }

    [Fact]
    public void the_clock_runs_on_the_policy_recorded_on_the_report_not_on_the_current_default()
    {
        var stricter = SlaPolicy.ContractDefault with
        {
            Name = "contract-2027",
            Version = 2,
            Targets = [new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(45), TimeSpan.FromHours(2))],
        };

        var clocks = SlaClock.Evaluate(SlaStory.Reported(IncidentClass.Outage, stricter).State, T0);

        clocks.Select(c => c.DueAt).ShouldBe([Minutes(3), Minutes(45), Hours(2)]);
    }

    [Fact]
    public void the_warnings_fall_at_half_and_four_fifths_of_each_target()
    {
        var state = SlaStory.Reported(IncidentClass.Outage).State;

        SlaClock.Evaluate(state, T0).Select(c => c.Warnings.Select(w => (w.Threshold, w.At)).ToList()).ShouldBe(
        [
            [(0.5, Seconds(150)), (0.8, Minutes(4))],
            [(0.5, Minutes(30)), (0.8, Minutes(48))],
            [(0.5, Hours(2)), (0.8, Minutes(192))],
        ]);
    }

    [Fact]
    public void a_major_event_warns_at_30_and_48_seconds()
    {
        SlaStory.Reported(IncidentClass.MajorEvent).Clock(SlaStage.Acknowledge, T0).Warnings.Select(w => w.At)
            .ShouldBe([Seconds(30), Seconds(48)]);
    }
}
