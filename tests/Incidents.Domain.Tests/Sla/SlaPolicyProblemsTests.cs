using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests.Sla;

/// <summary>A policy is validated at start-up: every problem is named in words an operator can act on.</summary>
public sealed class SlaPolicyProblemsTests
{
    private static readonly SlaPolicy Contract = SlaPolicy.ContractDefault;

    private static SlaPolicy WithTargets(Func<SlaClassTargets, SlaClassTargets> change) =>
        Contract with { Targets = [.. Contract.Targets.Select(change)] };

    [Fact]
    public void the_contract_default_has_no_problem()
    {
        Contract.Problems().ShouldBeEmpty();
    }

    [Fact]
    public void a_policy_with_other_sound_targets_and_a_single_threshold_has_no_problem()
    {
        var policy = new SlaPolicy(
            "contract-2027",
            2,
            [
                new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(45), TimeSpan.FromHours(2)),
                new SlaClassTargets(IncidentClass.MajorEvent, TimeSpan.FromSeconds(30), null, TimeSpan.FromHours(2)),
                new SlaClassTargets(IncidentClass.Fault, TimeSpan.FromMinutes(10), null, null),
                new SlaClassTargets(IncidentClass.SecurityEvent, TimeSpan.FromMinutes(5), null, null),
            ],
            [0.75]);

        policy.Problems().ShouldBeEmpty();
    }

    [Fact]
    public void a_policy_missing_a_class_names_the_class()
    {
        var policy = Contract with { Targets = [.. Contract.Targets.Where(t => t.Class != IncidentClass.SecurityEvent)] };

        policy.Problems().ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            p => p.ShouldContain("SecurityEvent"),
            p => p.ShouldContain("found 0"));
    }

    [Fact]
    public void a_policy_with_two_sets_of_targets_for_a_class_names_the_class()
    {
        var policy = Contract with { Targets = [.. Contract.Targets, new SlaClassTargets(IncidentClass.Fault, TimeSpan.FromMinutes(9), null, null)] };

        policy.Problems().ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            p => p.ShouldContain("Fault"),
            p => p.ShouldContain("found 2"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void a_non_positive_target_names_its_stage_and_class(int seconds)
    {
        var policy = WithTargets(t => t.Class == IncidentClass.Outage ? t with { OnSite = TimeSpan.FromSeconds(seconds) } : t);

        policy.Problems().ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            p => p.ShouldContain("OnSite"),
            p => p.ShouldContain("Outage"),
            p => p.ShouldContain("positive"));
    }

    [Fact]
    public void a_class_without_an_acknowledge_target_is_a_problem_naming_the_class()
    {
        var policy = WithTargets(t => t.Class == IncidentClass.Fault ? t with { Acknowledge = null } : t);

        policy.Problems().ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            p => p.ShouldContain("Fault"),
            p => p.ShouldContain("acknowledge"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void a_warning_threshold_outside_0_to_1_is_a_problem(double fraction)
    {
        var policy = Contract with { WarningFractions = [0.5, fraction] };

        policy.Problems().ShouldHaveSingleItem().ShouldContain("Warning thresholds are fractions of the target strictly between 0 and 1");
    }

    [Fact]
    public void a_repeated_warning_threshold_is_a_problem()
    {
        var policy = Contract with { WarningFractions = [0.5, 0.8, 0.5] };

        policy.Problems().ShouldHaveSingleItem().ShouldContain("must not repeat");
    }

    [Fact]
    public void a_policy_without_a_name_or_with_version_0_says_so()
    {
        var policy = Contract with { Name = " ", Version = 0 };

        policy.Problems().ShouldBe(["The policy needs a name.", "The policy version must be 1 or more."]);
    }

    [Fact]
    public void every_problem_of_a_policy_is_listed_at_once()
    {
        var policy = new SlaPolicy(
            "",
            0,
            [new SlaClassTargets(IncidentClass.Outage, null, TimeSpan.Zero, TimeSpan.FromHours(4))],
            [0, 0]);

        policy.Problems().Count.ShouldBe(9);
    }
}
