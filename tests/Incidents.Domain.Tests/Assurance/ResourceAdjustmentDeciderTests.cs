using Incidents.Domain.Assurance;

namespace Incidents.Domain.Tests.Assurance;

/// <summary>The resource-adjustment clock: done within 2 hours (2.2.6 standard 3), warned, breached, each once.</summary>
public sealed class ResourceAdjustmentDeciderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor Desk = new("desk-01", "Li Na");
    private static readonly Guid AdjustmentId = Guid.Parse("0195a000-0000-7000-8000-0000000000c1");

    private static readonly KeyAssurancePeriod TwoSessions = new(Guid.Parse("0195a000-0000-7000-8000-0000000000b1"), KeyAssuranceStatus.Active,
        "2026 两会重保", KeyAssuranceKind.TwoSessions, new KeyAssuranceWindow(Start, Start.AddDays(12)), ["medical-insurance-settlement"], null);

    private static readonly DateTimeOffset Asked = Start.AddHours(10);

    private static RequestResourceAdjustment Request(string system = "medical-insurance-settlement") =>
        new(AdjustmentId, system, "Scale the settlement cluster from 8 to 16 vCPU", "Purchaser duty desk", ResourceAdjustmentPolicy.ContractDefault, Desk);

    private static ResourceAdjustment Requested() =>
        ResourceAdjustment.From(ResourceAdjustmentDecider.Decide(Request(), null, TwoSessions, Asked).Events)!;

    [Fact]
    public void an_adjustment_raised_during_an_active_period_is_due_2_hours_later()
    {
        var requested = ResourceAdjustmentDecider.Decide(Request(), null, TwoSessions, Asked).Events
            .ShouldHaveSingleItem().ShouldBeOfType<ResourceAdjustmentRequested>();

        requested.DueAt.ShouldBe(Asked.AddHours(2));
        requested.PeriodName.ShouldBe("2026 两会重保");
        ResourceAdjustmentDecider.NextCheckAt(Requested()).ShouldBe(Asked.AddHours(1), "the first warning, at half the target");
    }

    [Fact]
    public void an_adjustment_is_refused_outside_an_active_period_or_off_its_scope()
    {
        ResourceAdjustmentDecider.Decide(Request(), null, TwoSessions with { Status = KeyAssuranceStatus.Planned }, Asked)
            .Error!.Code.ShouldBe("assurance.not-active");
        ResourceAdjustmentDecider.Decide(Request(), null, TwoSessions, TwoSessions.Window.End).Error!.Code.ShouldBe("assurance.not-active");
        var offScope = ResourceAdjustmentDecider.Decide(Request("data-warehouse"), null, TwoSessions, Asked).Error!;
        offScope.Code.ShouldBe("resource-adjustment.system-out-of-scope");
        offScope.Detail.ShouldStartWith("system: ");
    }

    [Fact]
    public void left_alone_it_warns_at_50_and_80_percent_and_breaches_at_2_hours_each_once_stamped_when_due()
    {
        var state = Requested();
        var said = new List<object>();
        foreach (var minutes in new[] { 59, 60, 61, 96, 119, 120, 121, 600 })
        {
            var notices = ResourceAdjustmentDecider.DueNotices(state, Asked.AddMinutes(minutes));
            said.AddRange(notices);
            state = notices.Aggregate(state, (s, e) => ResourceAdjustment.Evolve(s, e)!);
        }

        said.Select(e => e switch
        {
            ResourceAdjustmentWarningRaised w => $"warning {w.Threshold:0.0} at +{(w.At - Asked).TotalMinutes}m",
            ResourceAdjustmentBreached b => $"breached at +{(b.At - Asked).TotalMinutes}m",
            _ => e.GetType().Name,
        }).ShouldBe(["warning 0.5 at +60m", "warning 0.8 at +96m", "breached at +120m"]);
        ResourceAdjustmentDecider.NextCheckAt(state).ShouldBeNull("nothing more to say once breached");
    }

    [Fact]
    public void a_check_that_runs_late_says_everything_due_at_once_in_order()
    {
        ResourceAdjustmentDecider.DueNotices(Requested(), Asked.AddHours(5)).Select(e => e.GetType())
            .ShouldBe([typeof(ResourceAdjustmentWarningRaised), typeof(ResourceAdjustmentWarningRaised), typeof(ResourceAdjustmentBreached)]);
    }

    [Fact]
    public void done_in_time_stops_the_clock_and_done_late_is_recorded_as_late()
    {
        var done = ResourceAdjustmentDecider.Decide(new CompleteResourceAdjustment("Scaled to 16 vCPU", Desk), Requested(), Asked.AddMinutes(90))
            .Events.ShouldHaveSingleItem().ShouldBeOfType<ResourceAdjustmentDone>();
        done.InTime.ShouldBeTrue();
        var stopped = ResourceAdjustment.Evolve(Requested(), done)!;
        ResourceAdjustmentDecider.DueNotices(stopped, Asked.AddHours(3)).ShouldBeEmpty();
        ResourceAdjustmentDecider.NextCheckAt(stopped).ShouldBeNull();
        ResourceAdjustmentDecider.Decide(new CompleteResourceAdjustment("again", Desk), stopped, Asked.AddHours(3))
            .Error!.Code.ShouldBe("resource-adjustment.done");

        ResourceAdjustmentDecider.Decide(new CompleteResourceAdjustment("Scaled", Desk), Requested(), Asked.AddHours(2).AddSeconds(1))
            .Events.OfType<ResourceAdjustmentDone>().Single().InTime.ShouldBeFalse();
    }

    [Fact]
    public void a_policy_without_a_sensible_target_or_thresholds_names_what_is_wrong()
    {
        ResourceAdjustmentPolicy.ContractDefault.Problems().ShouldBeEmpty();
        new ResourceAdjustmentPolicy(TimeSpan.Zero, [0.5, 1.2, 0.5]).Problems().Count.ShouldBe(3);
    }
}
