using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>What stops each stage: acknowledgement, first arrival, restoration (fixed remotely), resolution.</summary>
public sealed class SlaClockStopsTests
{
    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    private static IEnumerable<(SlaStage Stage, SlaStageStatus Status, DateTimeOffset? StoppedAt)> Summary(SlaStory story, DateTimeOffset now) =>
        SlaClock.Evaluate(story.State, now).Select(c => (c.Stage, c.Status, c.StoppedAt));

    [Fact]
    public void the_acknowledgement_stops_the_acknowledge_stage_and_nothing_else()
    {
        Summary(Outage.Acknowledged(Minutes(3)), Minutes(10)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Running, null),
            (SlaStage.Restore, SlaStageStatus.Running, null),
        ]);
    }

    [Fact]
    public void the_first_arrival_on_site_stops_the_on_site_stage()
    {
        Summary(Outage.Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41)), Minutes(50)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Met, Minutes(41)),
            (SlaStage.Restore, SlaStageStatus.Running, null),
        ]);
    }

    [Fact]
    public void a_second_arrival_on_site_after_the_due_time_changes_nothing()
    {
        var story = Outage.Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41), "eng.zhang").ArrivedOnSite(Minutes(75), "eng.chen");

        var onSite = story.Clock(SlaStage.OnSite, Hours(2));

        onSite.Status.ShouldBe(SlaStageStatus.Met);
        onSite.StoppedAt.ShouldBe(Minutes(41));
        onSite.Elapsed.ShouldBe(TimeSpan.FromMinutes(41));
    }

    [Fact]
    public void the_restoration_stops_the_restore_stage_and_leaves_an_earlier_arrival_as_it_was()
    {
        Summary(Outage.Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41)).Restored(Minutes(130)), Hours(5)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Met, Minutes(41)),
            (SlaStage.Restore, SlaStageStatus.Met, Minutes(130)),
        ]);
    }

    [Fact]
    public void a_service_restored_remotely_with_nobody_on_site_stops_the_on_site_stage_at_the_restoration()
    {
        Summary(Outage.Acknowledged(Minutes(3)).Restored(Minutes(20)), Hours(5)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Met, Minutes(20)),
            (SlaStage.Restore, SlaStageStatus.Met, Minutes(20)),
        ]);
    }

    [Fact]
    public void a_remote_restoration_after_the_on_site_due_time_with_nobody_on_site_is_met_late_on_site()
    {
        Summary(Outage.Acknowledged(Minutes(3)).Restored(Minutes(90)), Hours(5)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.MetLate, Minutes(90)),
            (SlaStage.Restore, SlaStageStatus.Met, Minutes(90)),
        ]);
    }

    [Fact]
    public void an_arrival_after_a_remote_restoration_changes_nothing()
    {
        var onSite = Outage.Acknowledged(Minutes(3)).Restored(Minutes(20)).ArrivedOnSite(Minutes(30)).Clock(SlaStage.OnSite, Hours(1));

        onSite.StoppedAt.ShouldBe(Minutes(20));
    }

    [Fact]
    public void a_fault_resolved_at_20_minutes_without_anyone_on_site_meets_its_on_site_stage_at_20_minutes()
    {
        var story = SlaStory.Reported(IncidentClass.Fault).Acknowledged(Minutes(3)).Resolved(Minutes(20));

        Summary(story, Hours(5)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Met, Minutes(20)),
            (SlaStage.Restore, SlaStageStatus.NotApplicable, Minutes(20)),
        ]);
        story.Clock(SlaStage.OnSite, Hours(5)).Elapsed.ShouldBe(TimeSpan.FromMinutes(20));
    }

    [Fact]
    public void a_fault_resolved_after_1_hour_without_anyone_on_site_is_met_late_on_site()
    {
        var onSite = SlaStory.Reported(IncidentClass.Fault).Acknowledged(Minutes(3)).Resolved(Minutes(80)).Clock(SlaStage.OnSite, Hours(5));

        onSite.Status.ShouldBe(SlaStageStatus.MetLate);
        onSite.StoppedAt.ShouldBe(Minutes(80));
    }

    [Fact]
    public void the_resolution_stops_whatever_still_runs_and_leaves_the_stopped_stages_as_they_were()
    {
        var story = Outage.Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41)).Restored(Minutes(130)).Resolved(Minutes(160));

        Summary(story, Hours(10)).Select(s => s.StoppedAt).ShouldBe([Minutes(3), Minutes(41), Minutes(130)]);
    }

    [Fact]
    public void a_stage_stopped_once_never_moves_again_through_closing_reopening_and_a_second_resolution()
    {
        var story = Outage
            .Acknowledged(Minutes(3))
            .ArrivedOnSite(Minutes(41))
            .Restored(Minutes(130))
            .Resolved(Minutes(160))
            .Closed(Hours(24))
            .Reopened(Hours(25))
            .ArrivedOnSite(Hours(26), "eng.chen")
            .Restored(Hours(27))
            .Resolved(Hours(28));

        Summary(story, Hours(30)).ShouldBe(
        [
            (SlaStage.Acknowledge, SlaStageStatus.Met, Minutes(3)),
            (SlaStage.OnSite, SlaStageStatus.Met, Minutes(41)),
            (SlaStage.Restore, SlaStageStatus.Met, Minutes(130)),
        ]);
    }

    [Fact]
    public void a_stage_stops_under_the_target_in_force_at_that_moment()
    {
        var facts = Outage.Acknowledged(Minutes(3)).State[SlaStage.Acknowledge];

        facts.StoppedAt.ShouldBe(Minutes(3));
        facts.TargetWhenStopped.ShouldBe(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void events_that_do_not_stop_a_stage_leave_the_clock_as_it_was()
    {
        var before = Outage.Acknowledged(Minutes(3));
        var after = before
            .Then(new ResponderAssigned(SlaStory.IncidentId, new Responder("eng.zhang", "Zhang Wei", "Platform"), SlaStory.Desk, Minutes(4)))
            .Then(new ResponderDispatched(SlaStory.IncidentId, "eng.zhang", "Data centre B", SlaStory.Desk, Minutes(5)))
            .Then(new IncidentCommentAdded(SlaStory.IncidentId, Guid.Parse("0c0c0c0c-0000-4000-8000-000000000001"), "All users affected.", SlaStory.Desk, Minutes(6)));

        SlaClock.Evaluate(after.State, Minutes(20)).Select(c => (c.Status, c.StoppedAt, c.Elapsed, c.Remaining))
            .ShouldBe(SlaClock.Evaluate(before.State, Minutes(20)).Select(c => (c.Status, c.StoppedAt, c.Elapsed, c.Remaining)));
    }
}
