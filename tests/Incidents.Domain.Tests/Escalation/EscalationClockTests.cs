using System.Globalization;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Domain.Tests.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Escalation;

/// <summary>
/// The escalation rules (docs/escalation.md), on the contract's chains unless a test names its own: an outage pages the
/// duty engineer at once, the project manager after 5 minutes without acknowledgement, management and the purchaser
/// 10 minutes later, then the chain runs again twice, 15 minutes after each last level.
/// </summary>
public sealed class EscalationClockTests
{
    private static readonly EscalationPolicy Contract = EscalationPolicy.ContractDefault;

    private static readonly SlaStory Outage = SlaStory.Reported(IncidentClass.Outage);

    /// <summary>Runs the check at each instant (as the durable scheduler would) and returns what was raised, in words.</summary>
    private static (SlaStory Story, List<string> Raised) Run(SlaStory story, EscalationPolicy policy, params DateTimeOffset[] checks)
    {
        var raised = new List<string>();
        foreach (var now in checks)
        {
            var state = EscalationClock.From(story.Events).ShouldNotBeNull();
            var due = EscalationClock.Due(state, policy.For(state.Class), now);
            raised.AddRange(due.Select(Describe));
            story = story.Recorded(due);
        }

        return (story, raised);
    }

    private static string Describe(EscalationLevelRaised e) => string.Create(CultureInfo.InvariantCulture,
        $"L{e.Level}/R{e.Round} {e.LevelName} [{string.Join(",", e.Recipients)}] {e.Reason}{(e.BreachedStage is { } s ? $"({s})" : "")} at +{e.At - T0}, next {(e.NextAt is { } n ? $"+{n - T0}" : "none")}");

    private static EscalationPolicy Chain(IncidentClass incidentClass, int repeats, params (string Name, int WaitMinutes)[] levels) =>
        new([new EscalationChain(incidentClass, levels.Select(l => new EscalationLevel(l.Name, [l.Name], TimeSpan.FromMinutes(l.WaitMinutes))).ToList(), repeats)]);

    [Fact]
    public void an_outage_pages_the_duty_engineer_the_moment_it_is_reported()
    {
        Run(Outage, Contract, T0).Raised.ShouldBe(["L1/R1 duty engineer [duty-engineer] Opened at +00:00:00, next +00:05:00"]);
    }

    [Fact]
    public void nobody_acknowledging_walks_the_whole_chain_and_its_repeats_then_stops()
    {
        var checks = Enumerable.Range(0, 24 * 6).Select(i => T0.AddMinutes(i * 10 / 2.0)).ToArray();
        var (_, raised) = Run(Outage, Contract, checks);

        raised.ShouldBe(
        [
            "L1/R1 duty engineer [duty-engineer] Opened at +00:00:00, next +00:05:00",
            "L2/R1 project manager [project-manager] NotAcknowledged at +00:05:00, next +00:15:00",
            "L3/R1 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +00:15:00, next +00:30:00",
            "L1/R2 duty engineer [duty-engineer] NotAcknowledged at +00:30:00, next +00:35:00",
            "L2/R2 project manager [project-manager] NotAcknowledged at +00:35:00, next +00:45:00",
            "L3/R2 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +00:45:00, next +01:00:00",
            "L1/R3 duty engineer [duty-engineer] NotAcknowledged at +01:00:00, next +01:05:00",
            "L2/R3 project manager [project-manager] NotAcknowledged at +01:05:00, next +01:15:00",
            "L3/R3 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +01:15:00, next none",
        ]);
    }

    [Fact]
    public void an_acknowledgement_before_the_wait_ends_stops_the_chain_at_level_1()
    {
        var (story, _) = Run(Outage, Contract, T0);
        var acknowledged = story.Acknowledged(Minutes(3));

        Run(acknowledged, Contract, Minutes(5), Minutes(30), Hours(5)).Raised.ShouldBeEmpty();
        var state = EscalationClock.From(acknowledged.Events).ShouldNotBeNull();
        (state.Level, state.StoppedBy, state.StoppedAt).ShouldBe((1, "acknowledged", Minutes(3)));
        EscalationClock.NextCheckAt(state, Contract.For(IncidentClass.Outage)).ShouldBeNull();
    }

    [Theory]
    [InlineData("restored", "service-restored")]
    [InlineData("resolved", "resolved")]
    [InlineData("cancelled", "cancelled")]
    public void restoring_resolving_or_cancelling_also_stops_it(string step, string stoppedBy)
    {
        var (story, _) = Run(Outage, Contract, T0, Minutes(5));
        story = step switch
        {
            "restored" => story.Restored(Minutes(7)),
            "resolved" => story.Then(new IncidentResolved(SlaStory.IncidentId, "Fixed.", CauseCategory.Software, SlaStory.DutyEngineer, Minutes(7))),
            _ => story.Cancelled(Minutes(7)),
        };

        Run(story, Contract, Minutes(15), Hours(2)).Raised.ShouldBeEmpty();
        EscalationClock.From(story.Events)!.StoppedBy.ShouldBe(stoppedBy);
    }

    [Fact]
    public void reopening_an_acknowledged_incident_does_not_restart_the_chain()
    {
        var (story, _) = Run(Outage, Contract, T0);
        story = story.Acknowledged(Minutes(2)).Restored(Minutes(40)).Resolved(Minutes(50)).Closed(Hours(2)).Reopened(Hours(3));

        Run(story, Contract, Hours(3), Hours(4)).Raised.ShouldBeEmpty();
    }

    [Fact]
    public void a_breach_while_unacknowledged_raises_the_next_level_at_once_stamped_with_the_breach()
    {
        // The duty engineer is given 10 minutes, but the acknowledge target is 5: the breach moves the chain on at +5.
        var policy = Chain(IncidentClass.Outage, 0, ("duty", 10), ("manager", 20), ("director", 30));
        var (story, _) = Run(Outage, policy, T0);
        story = story.Then(SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5)));

        var (_, raised) = Run(story, policy, Minutes(5).AddSeconds(2), Minutes(24), Minutes(25));
        raised.ShouldBe(
        [
            "L2/R1 manager [manager] SlaBreached(Acknowledge) at +00:05:00, next +00:25:00",
            "L3/R1 director [director] NotAcknowledged at +00:25:00, next none",
        ]);
    }

    [Fact]
    public void a_breach_at_the_instant_the_wait_ended_is_answered_by_that_level_not_by_another()
    {
        // Contract: level 2 falls due at +5 minutes, the acknowledge target is 5 minutes too.
        var (story, _) = Run(Outage, Contract, T0, Minutes(5));
        story = story.Then(SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5)));

        Run(story, Contract, Minutes(5).AddSeconds(1), Minutes(14)).Raised.ShouldBeEmpty();
        Run(story, Contract, Minutes(15)).Raised.ShouldBe(
            ["L3/R1 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +00:15:00, next +00:30:00"]);
    }

    [Fact]
    public void a_breach_and_an_overdue_wait_found_together_raise_one_level_for_the_earlier()
    {
        var policy = Chain(IncidentClass.Outage, 0, ("duty", 6), ("manager", 20), ("director", 30));
        var (story, _) = Run(Outage, policy, T0);
        story = story.Then(SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5)));

        // Checked only at +7 (the service was busy): the breach (+5) came first and answers the wait that ended at +6.
        Run(story, policy, Minutes(7)).Raised.ShouldBe(["L2/R1 manager [manager] SlaBreached(Acknowledge) at +00:05:00, next +00:25:00"]);
    }

    [Fact]
    public void a_breach_after_the_chain_is_exhausted_pages_the_last_level_again()
    {
        var policy = Chain(IncidentClass.Outage, 0, ("duty", 1), ("manager", 1));
        var (story, raised) = Run(Outage, policy, T0, Minutes(1), Minutes(2), Minutes(3));
        raised.Count.ShouldBe(2);
        story = story.Then(SlaStory.Breach(SlaStage.OnSite, TimeSpan.FromHours(1)));

        Run(story, policy, Hours(1)).Raised.ShouldBe(["L2/R1 manager [manager] SlaBreached(OnSite) at +01:00:00, next none"]);
        Run(story, policy, Hours(1)).Story.Events.OfType<EscalationLevelRaised>().Count().ShouldBe(3);
    }

    [Fact]
    public void a_breach_after_acknowledgement_is_not_escalated()
    {
        var (story, _) = Run(Outage, Contract, T0);
        story = story.Acknowledged(Minutes(2)).Then(SlaStory.Breach(SlaStage.OnSite, TimeSpan.FromHours(1)));

        Run(story, Contract, Hours(1), Hours(2)).Raised.ShouldBeEmpty();
    }

    [Fact]
    public void when_the_service_was_down_every_overdue_level_is_raised_on_its_return_stamped_when_it_fell_due()
    {
        var (story, _) = Run(Outage, Contract, T0);

        Run(story, Contract, Minutes(20)).Raised.ShouldBe(
        [
            "L2/R1 project manager [project-manager] NotAcknowledged at +00:05:00, next +00:15:00",
            "L3/R1 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +00:15:00, next +00:30:00",
        ]);
    }

    [Fact]
    public void a_duplicated_or_early_check_raises_nothing()
    {
        var (story, _) = Run(Outage, Contract, T0);

        Run(story, Contract, T0, Minutes(1), Minutes(4).AddSeconds(59)).Raised.ShouldBeEmpty();
        Run(story, Contract, Minutes(5), Minutes(5)).Raised.Count.ShouldBe(1);
    }

    [Fact]
    public void a_reclassification_keeps_the_level_and_its_due_time_and_takes_later_levels_from_the_new_chain()
    {
        var (story, _) = Run(Outage, Contract, T0, Minutes(5));
        story = story.Reclassified(IncidentClass.MajorEvent, Minutes(6));

        Run(story, Contract, Minutes(15)).Raised.ShouldBe(
            ["L3/R1 management and purchaser [project-manager,security-lead,purchaser-contact] NotAcknowledged at +00:15:00, next +00:25:00"]);
    }

    [Fact]
    public void a_class_without_a_chain_is_not_escalated_until_it_is_reclassified_into_one()
    {
        var faultsOnly = Chain(IncidentClass.Fault, 0, ("duty", 5));
        var (story, raised) = Run(Outage, faultsOnly, T0, Minutes(30));
        raised.ShouldBeEmpty();
        EscalationClock.NextCheckAt(EscalationClock.From(story.Events)!, faultsOnly.For(IncidentClass.Outage)).ShouldBeNull();

        story = story.Reclassified(IncidentClass.Fault, Minutes(31));
        Run(story, faultsOnly, Minutes(31)).Raised.ShouldBe(["L1/R1 duty [duty] Opened at +00:31:00, next none"]);
    }

    [Fact]
    public void the_next_check_is_the_earlier_of_the_pending_breach_and_the_end_of_the_wait()
    {
        var policy = Chain(IncidentClass.Outage, 0, ("duty", 10), ("manager", 20));
        var (story, _) = Run(Outage, policy, T0);
        var chain = policy.For(IncidentClass.Outage);

        EscalationClock.NextCheckAt(EscalationClock.From(Outage.Events)!, chain).ShouldBe(T0);
        EscalationClock.NextCheckAt(EscalationClock.From(story.Events)!, chain).ShouldBe(Minutes(10));
        story = story.Then(SlaStory.Breach(SlaStage.Acknowledge, TimeSpan.FromMinutes(5)));
        EscalationClock.NextCheckAt(EscalationClock.From(story.Events)!, chain).ShouldBe(Minutes(5));
    }

    [Fact]
    public void folding_the_recorded_stream_again_gives_the_same_state()
    {
        var (story, _) = Run(Outage, Contract, T0, Minutes(5), Minutes(15));
        story = story.Acknowledged(Minutes(16));

        var once = EscalationClock.From(story.Events);
        var again = EscalationClock.From(story.Events.ToList());
        again.ShouldBe(once);
        once!.Level.ShouldBe(3);
    }
}

public sealed class EscalationPolicyTests
{
    [Fact]
    public void the_contract_chains_are_sound_and_cover_every_class()
    {
        EscalationPolicy.ContractDefault.Problems().ShouldBeEmpty();
        Enum.GetValues<IncidentClass>().ShouldAllBe(c => EscalationPolicy.ContractDefault.For(c) != null);
    }

    [Fact]
    public void a_policy_that_makes_no_sense_is_refused_with_every_problem_named()
    {
        var policy = new EscalationPolicy(
        [
            new EscalationChain(IncidentClass.Outage, [new EscalationLevel("", [], TimeSpan.Zero)], 11),
            new EscalationChain(IncidentClass.Outage, [], 0),
        ]);

        policy.Problems().ShouldBe(
        [
            "Class Outage has 2 chains; give it one.",
            "Level 1 of class Outage needs a name.",
            "Level 1 of class Outage needs at least one recipient, none blank.",
            "Level 1 of class Outage waits 00:00:00; the wait before the next level must be at least one second.",
            "The chain of class Outage repeats 11 times; use 0 to 10.",
            "The chain of class Outage has no levels.",
        ], ignoreOrder: true);
    }
}
