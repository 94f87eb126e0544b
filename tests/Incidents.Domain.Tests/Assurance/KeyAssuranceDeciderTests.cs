using Incidents.Domain.Assurance;
using Incidents.Domain.Clocks;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests.Assurance;

/// <summary>A key-assurance period's life (planned → active → completed, or cancelled) and the policy it pins on incidents.</summary>
public sealed class KeyAssuranceDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly Actor Admin = new("admin-01", "Ma Lin");
    private static readonly Guid PeriodId = Guid.Parse("0195a000-0000-7000-8000-0000000000b1");

    /// <summary>National Day week 2026 in Beijing: 1 October 00:00 to 8 October 00:00 (+08:00).</summary>
    private static readonly KeyAssuranceWindow NationalDay =
        new(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 10, 8, 0, 0, 0, TimeSpan.FromHours(8)));

    private static PlanKeyAssurancePeriod Plan(KeyAssuranceWindow? window = null, params string[] systems) => new(
        PeriodId, "2026 国庆重保", KeyAssuranceKind.NationalDay, window ?? NationalDay,
        systems.Length == 0 ? ["medical-insurance-settlement", "claims-analysis-portal"] : systems, "保障方案 v1 (OA-2026-118)", null, Admin);

    private static KeyAssurancePeriod Planned() => KeyAssurancePeriod.From(KeyAssuranceDecider.Decide(Plan(), null, KeyAssuranceRules.AnySystem, Now).Events)!;

    private static KeyAssurancePeriod Active() =>
        KeyAssurancePeriod.Evolve(Planned(), new KeyAssurancePeriodActivated(PeriodId, Actor.System, NationalDay.Start))!;

    [Fact]
    public void a_period_planned_ahead_is_planned_with_its_window_and_scope()
    {
        var planned = KeyAssuranceDecider.Decide(Plan(), null, KeyAssuranceRules.AnySystem, Now).Events
            .ShouldHaveSingleItem().ShouldBeOfType<KeyAssurancePeriodPlanned>();

        planned.Start.ShouldBe(NationalDay.Start);
        planned.End.ShouldBe(NationalDay.End);
        planned.Systems.ShouldBe(["medical-insurance-settlement", "claims-analysis-portal"]);
        planned.By.ShouldBe(Admin);
        KeyAssurancePeriod.From([planned])!.Status.ShouldBe(KeyAssuranceStatus.Planned);
    }

    [Theory]
    [InlineData(0, "assurance.window-inverted")]
    [InlineData(-1, "assurance.window-inverted")]
    [InlineData(60 * 24 + 1, "assurance.window-too-long")]
    public void a_window_that_ends_before_it_starts_or_lasts_more_than_60_days_is_refused_naming_the_end(int hours, string code)
    {
        var start = NationalDay.Start;
        var refused = KeyAssuranceDecider.Decide(Plan(new KeyAssuranceWindow(start, start.AddHours(hours))), null, KeyAssuranceRules.AnySystem, Now)
            .Error.ShouldNotBeNull();

        refused.Code.ShouldBe(code);
        refused.Kind.ShouldBe(DomainErrorKind.Unprocessable);
        refused.Detail.ShouldStartWith("end: ");
    }

    [Fact]
    public void a_window_of_exactly_60_days_is_accepted()
    {
        var start = NationalDay.Start;
        KeyAssuranceDecider.Decide(Plan(new KeyAssuranceWindow(start, start.AddDays(60))), null, KeyAssuranceRules.AnySystem, Now)
            .IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_window_already_over_is_refused_but_one_under_way_may_still_be_recorded()
    {
        KeyAssuranceDecider.Decide(Plan(new KeyAssuranceWindow(Now.AddDays(-3), Now)), null, KeyAssuranceRules.AnySystem, Now)
            .Error!.Code.ShouldBe("assurance.window-over");
        KeyAssuranceDecider.Decide(Plan(new KeyAssuranceWindow(Now.AddDays(-1), Now.AddDays(1))), null, KeyAssuranceRules.AnySystem, Now)
            .IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_system_outside_the_configured_list_is_refused_naming_its_place()
    {
        var rules = new KeyAssuranceRules(["medical-insurance-settlement"], KeyAssuranceRules.DefaultMaxLength);
        var refused = KeyAssuranceDecider.Decide(Plan(null, "medical-insurance-settlement", "payroll"), null, rules, Now).Error!;

        refused.Code.ShouldBe("assurance.unknown-system");
        refused.Detail.ShouldStartWith("systems[1]: 'payroll'");
    }

    [Fact]
    public void the_window_opens_only_for_the_start_its_timer_was_made_for_and_only_once()
    {
        KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(NationalDay.Start, Actor.System), Planned(), NationalDay.Start)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<KeyAssurancePeriodActivated>();
        KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(NationalDay.Start.AddDays(-1), Actor.System), Planned(), NationalDay.Start)
            .Error!.Code.ShouldBe("assurance.start-moved");
        KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(NationalDay.Start, Actor.System), Active(), NationalDay.Start)
            .Error!.Code.ShouldBe("assurance.active");
    }

    [Fact]
    public void the_window_closes_with_its_summary_and_a_period_whose_start_was_missed_opens_and_closes_together()
    {
        var summary = KeyAssuranceSummary.Of([Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()], 3, 2, 1, null);
        summary.SlaAttainment.ShouldBe(0.75);

        var completed = KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(NationalDay.End, summary, Actor.System), Active(), NationalDay.End);
        completed.Events.ShouldHaveSingleItem().ShouldBeOfType<KeyAssurancePeriodCompleted>().Summary.ShouldBe(summary);

        var missed = KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(NationalDay.End, summary, Actor.System), Planned(), NationalDay.End);
        missed.Events.Select(e => e.GetType()).ShouldBe([typeof(KeyAssurancePeriodActivated), typeof(KeyAssurancePeriodCompleted)]);
        KeyAssurancePeriod.From([.. KeyAssuranceDecider.Decide(Plan(), null, KeyAssuranceRules.AnySystem, Now).Events, .. missed.Events])!
            .Status.ShouldBe(KeyAssuranceStatus.Completed);
    }

    [Fact]
    public void a_cancelled_period_is_neither_opened_nor_closed_by_its_timers()
    {
        var cancelled = KeyAssurancePeriod.Evolve(Planned(),
            KeyAssuranceDecider.Decide(new CancelKeyAssurancePeriod("Plan withdrawn", Admin), Planned(), Now).Events.Single())!;

        KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(NationalDay.Start, Actor.System), cancelled, NationalDay.Start).IsAccepted.ShouldBeFalse();
        KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(NationalDay.End, KeyAssuranceSummary.Of([], 0, 0, 0, null), Actor.System),
            cancelled, NationalDay.End).Error!.Code.ShouldBe("assurance.cancelled");
        KeyAssuranceDecider.Decide(new CancelKeyAssurancePeriod("again", Admin), cancelled, Now).Error!.Code.ShouldBe("assurance.cancelled");
        KeyAssuranceSummary.Of([], 0, 0, 0, null).SlaAttainment.ShouldBeNull("no incidents: nothing to attain, not 0% or 100%");
    }

    [Fact]
    public void only_an_active_period_covers_an_incident_on_a_system_in_scope_inside_its_window()
    {
        var inside = NationalDay.Start.AddDays(2);
        Active().Covers("medical-insurance-settlement", inside).ShouldBeTrue();
        Active().Covers("MEDICAL-INSURANCE-SETTLEMENT ", inside).ShouldBeTrue("systems match as incidents name them, any case");
        Active().Covers("data-warehouse", inside).ShouldBeFalse("not in scope");
        Active().Covers("medical-insurance-settlement", NationalDay.End).ShouldBeFalse("the window is [start, end)");
        Planned().Covers("medical-insurance-settlement", inside).ShouldBeFalse("not active");

        var later = Active() with { Id = Guid.Parse("0195a000-0000-7000-8000-0000000000b2"), Window = NationalDay with { Start = NationalDay.Start.AddDays(1) } };
        KeyAssuranceDecider.Covering([later, Active()], "claims-analysis-portal", inside)!.Id.ShouldBe(PeriodId, "the earlier period decides");
    }

    [Fact]
    public void an_incident_in_scope_is_pinned_to_the_tighter_chains_and_escalates_on_them_while_the_policy_in_force_is_looser()
    {
        var incidentId = Guid.NewGuid();
        var at = NationalDay.Start.AddHours(3);
        var tighter = KeyAssurancePolicy.Default;
        var reported = IncidentDecider.Decide(new ReportIncident(incidentId, "Settlement down", "", "medical-insurance-settlement",
            IncidentClass.Outage, IntakeChannel.Phone, new Reporter("Wang Fang", null, null), false, null, tighter.Sla, Admin,
            tighter.Escalation.For(IncidentClass.Outage)), null, at).Events;

        var pinned = KeyAssuranceReporting.Pin(reported, Active(), tighter);
        pinned.Select(e => e.GetType()).ShouldBe([typeof(IncidentReported), typeof(IncidentUnderKeyAssurance), typeof(EscalationLevelRaised)]);
        KeyAssuranceReporting.Pin(reported, null, tighter).ShouldBe(reported, "out of scope: nothing recorded");

        // Level 1 waits 1 minute under the tighter chain, 5 under the contract's; level 2 then waits 5 (half of 10).
        var clocks = IncidentClocks.From(pinned);
        clocks.Escalation!.Pinned.ShouldBe(tighter.Escalation);
        var tick = ClockTick.At(clocks, EscalationPolicy.ContractDefault, at.AddMinutes(1));
        var level2 = tick.Notices.OfType<EscalationLevelRaised>().ShouldHaveSingleItem();
        level2.Level.ShouldBe(2);
        level2.NextAt.ShouldBe(at.AddMinutes(1 + 5));

        // The same report without the pin follows the chains in force.
        var unpinned = IncidentClocks.From(IncidentDecider.Decide(new ReportIncident(incidentId, "Settlement down", "", "data-warehouse",
            IncidentClass.Outage, IntakeChannel.Phone, new Reporter("Wang Fang", null, null), false, null, SlaPolicy.ContractDefault, Admin,
            EscalationPolicy.ContractDefault.For(IncidentClass.Outage)), null, at).Events);
        ClockTick.At(unpinned, EscalationPolicy.ContractDefault, at.AddMinutes(1)).Notices.OfType<EscalationLevelRaised>().ShouldBeEmpty();
    }

    [Fact]
    public void a_pinned_chain_pages_whoever_the_duty_directory_has_on_duty_when_its_next_level_falls_due()
    {
        var incidentId = Guid.NewGuid();
        var at = NationalDay.Start.AddHours(3);
        var tighter = KeyAssurancePolicy.Default;
        var reported = IncidentDecider.Decide(new ReportIncident(incidentId, "Settlement down", "", "medical-insurance-settlement",
            IncidentClass.Outage, IntakeChannel.Phone, new Reporter("Wang Fang", null, null), false, null, tighter.Sla, Admin,
            tighter.Escalation.For(IncidentClass.Outage)), null, at).Events;
        var clocks = IncidentClocks.From(KeyAssuranceReporting.Pin(reported, Active(), tighter));
        var manager = new global::Incidents.Domain.Duty.People.Person("pm-liu", "Liu Min", "Delivery", ["project-manager"],
            new global::Incidents.Domain.Duty.People.ContactChannels("+8613800000001", "liu.min@example.org", null, null, null), true);
        var inForce = EscalationPolicy.ContractDefault with
        {
            Duty = new global::Incidents.Domain.Duty.OnCall.DutyDirectory([manager], [], Calendar.WorkingDayCalendar.Official),
        };

        var level2 = ClockTick.At(clocks, inForce, at.AddMinutes(1)).Notices.OfType<EscalationLevelRaised>().ShouldHaveSingleItem();

        level2.Level.ShouldBe(2);                                                   // the pinned (tighter) wait
        level2.Paged.ShouldNotBeNull().ShouldHaveSingleItem().PersonId.ShouldBe("pm-liu");  // resolved like a normal chain
        level2.Recipients.ShouldBeEmpty();
    }

    [Fact]
    public void the_default_tighter_policy_is_sound_and_tighter_than_the_contracts_for_every_class_and_stage()
    {
        KeyAssurancePolicy.Default.Problems().ShouldBeEmpty();
        foreach (var incidentClass in Enum.GetValues<IncidentClass>())
        {
            foreach (var stage in Enum.GetValues<SlaStage>())
            {
                if (SlaPolicy.ContractDefault.For(incidentClass).For(stage) is { } contract)
                {
                    KeyAssurancePolicy.Default.Sla.For(incidentClass).For(stage)!.Value.ShouldBeLessThanOrEqualTo(contract, $"{incidentClass} {stage}");
                }
            }

            var chain = KeyAssurancePolicy.Default.Escalation.For(incidentClass)!;
            chain.Levels.Zip(EscalationPolicy.ContractDefault.For(incidentClass)!.Levels)
                .ShouldAllBe(pair => pair.First.Wait <= pair.Second.Wait && pair.First.Recipients.SequenceEqual(pair.Second.Recipients));
        }
    }
}
