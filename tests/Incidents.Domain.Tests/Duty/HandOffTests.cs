using Incidents.Domain.Calendar;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.Rosters;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Domain.Tests.Sla;

namespace Incidents.Domain.Tests.Duty;

/// <summary>
/// Hand-offs (docs/oncall.md): the shift changes of the National Day roster of <see cref="OnDutyTableTests"/> (Asia/Shanghai,
/// 09:00), and what the incoming person is told is open.
/// </summary>
public sealed class HandOffTests
{
    private static readonly IReadOnlyDictionary<string, string> Active = new[] { "ann", "bob", "cai", "dan", "eve", "fay", "hua", "ivy" }
        .ToDictionary(p => p, p => p.ToUpperInvariant());

    private static DateTimeOffset At(string shanghai) =>
        new(DateTime.Parse(shanghai, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(8));

    private static OnDuty NationalDay() => OnDuty.For(OnDutyTableTests.NationalDayRoster(), WorkingDayCalendar.Official);

    public static TheoryData<string, string> NextShiftChanges => new()
    {
        { "2026-09-24 12:00", "2026-09-25 09:00" },  // cai → hua: Mid-Autumn's holiday layer starts at the hand-off
        { "2026-09-25 09:00", "2026-09-26 09:00" },  // exactly at a hand-off: the next one, strictly after
        { "2026-09-25 08:59:59", "2026-09-25 09:00" },
        { "2026-09-26 10:00", "2026-09-28 09:00" },  // the weekend override ends at the hand-off
        { "2026-09-30 12:00", "2026-10-01 09:00" },  // cai → hua: National Day
        { "2026-10-03 09:00", "2026-10-04 09:00" },  // ivy → hua inside the holiday layer
        { "2026-10-07 10:00", "2026-10-08 09:00" },  // hua → bob: back to work
    };

    [Theory]
    [MemberData(nameof(NextShiftChanges))]
    public void the_next_hand_off_is_the_next_instant_the_roster_changes_hands(string after, string expected)
    {
        HandOff.Next(NationalDay(), At(after)).ShouldBe(At(expected));
    }

    [Fact]
    public void asia_shanghai_hands_off_at_the_same_utc_instant_all_year_round()
    {
        var duty = NationalDay();
        // The days Europe and the United States move their clocks: Shanghai keeps UTC+8, so 09:00 stays 01:00 UTC.
        foreach (var day in new[] { "2027-03-14", "2027-03-28", "2027-10-31", "2027-11-07" })
        {
            var next = HandOff.Next(duty, DateTimeOffset.Parse($"{day}T00:30:00Z")).ShouldNotBeNull();
            next.ShouldBe(DateTimeOffset.Parse($"{day}T01:00:00Z"));
        }
    }

    [Fact]
    public void only_the_instant_of_a_hand_off_is_a_shift_change()
    {
        var duty = NationalDay();

        HandOff.IsShiftChange(duty, At("2026-10-01 09:00")).ShouldBeTrue();
        HandOff.IsShiftChange(duty, At("2026-10-01 09:00:01")).ShouldBeFalse();
        HandOff.IsShiftChange(duty, At("2026-10-01 08:59:59")).ShouldBeFalse();
    }

    [Fact]
    public void a_hint_before_its_instant_waits_and_a_hint_off_the_boundary_does_nothing()
    {
        var duty = NationalDay();

        HandOff.Decide(duty, At("2026-10-01 09:00"), Active, [], At("2026-10-01 08:59:59")).Outcome.ShouldBe(HandOffOutcome.NotYet);
        HandOff.Decide(duty, At("2026-10-01 10:00"), Active, [], At("2026-10-01 10:00")).Outcome.ShouldBe(HandOffOutcome.NotABoundary);
    }

    [Fact]
    public void the_incoming_person_on_the_holiday_layer_is_told_the_open_count_and_the_worst_clock()
    {
        var boundary = At("2026-10-01 09:00");
        var acknowledgeDue = Outage(Guid.Parse("00000000-0000-0000-0000-000000000001"), boundary.AddMinutes(-2));   // 3 min left
        var restoreLate = Outage(Guid.Parse("00000000-0000-0000-0000-000000000002"), boundary.AddHours(-5), acknowledged: true); // on site and restore breached
        var drill = Outage(Guid.Parse("00000000-0000-0000-0000-000000000003"), boundary.AddHours(-9), drill: true);

        var decision = HandOff.Decide(NationalDay(), boundary, Active, [acknowledgeDue, restoreLate, drill], boundary);

        decision.Outcome.ShouldBe(HandOffOutcome.HandOver);
        var handedOver = decision.HandedOver.ShouldNotBeNull();
        (handedOver.From, handedOver.To, handedOver.ToName, handedOver.Reason, handedOver.Layer).ShouldBe(("cai", "hua", "HUA", DutyReason.Holiday, "holiday"));
        handedOver.ShiftEnd.ShouldBe(At("2026-10-02 09:00"));
        handedOver.Notify.ShouldBeTrue();
        handedOver.Open.Incidents.ShouldBe(2);
        handedOver.Open.Drills.ShouldBe(1);
        var worst = handedOver.Open.Worst.ShouldNotBeNull();
        worst.IncidentId.ShouldBe(restoreLate.Id);                    // a breach is worse than any time left
        worst.Stage.ShouldBe(SlaStage.OnSite);                        // on site (1 h) breached longer ago than restore (4 h)
        worst.Breached.ShouldBeTrue();
        worst.Remaining.ShouldBe(TimeSpan.FromHours(-4));
        worst.DueAt.ShouldBe(boundary.AddHours(-4));
        handedOver.HandOffId.ShouldBe(HandOff.IdFor(handedOver.RosterId, boundary));
    }

    [Fact]
    public void without_a_breach_the_worst_clock_is_the_stage_with_least_time_left_and_drills_never_count()
    {
        var now = At("2026-10-08 09:00");
        var acknowledge = Outage(Guid.NewGuid(), now.AddMinutes(-2));                    // 3 min left to acknowledge
        var onSite = Outage(Guid.NewGuid(), now.AddMinutes(-30), acknowledged: true);     // 30 min left to be on site
        var drill = Outage(Guid.NewGuid(), now.AddMinutes(-4).AddSeconds(-50), drill: true); // 10 s left, but a drill

        var open = HandOff.OpenAt([acknowledge, onSite, drill], now);

        open.Worst.ShouldNotBeNull().IncidentId.ShouldBe(acknowledge.Id);
        open.Worst.Stage.ShouldBe(SlaStage.Acknowledge);
        open.Worst.Remaining.ShouldBe(TimeSpan.FromMinutes(3));
        open.Worst.Breached.ShouldBeFalse();
        HandOff.OpenAt([drill], now).ShouldBe(new OpenWork(0, 1, null));
    }

    [Fact]
    public void an_incoming_person_who_was_deactivated_is_nobody_and_is_not_told()
    {
        var withoutHua = Active.Where(p => p.Key != "hua").ToDictionary();

        var handedOver = HandOff.Decide(NationalDay(), At("2026-10-01 09:00"), withoutHua, [], At("2026-10-01 09:00")).HandedOver.ShouldNotBeNull();

        handedOver.To.ShouldBeNull();
        handedOver.Reason.ShouldBe(DutyReason.Nobody);
        handedOver.Notify.ShouldBeFalse();
    }

    [Fact]
    public void a_hint_is_late_by_minutes_the_hand_off_is_still_recorded_for_its_instant_and_evaluated_when_it_ran()
    {
        var boundary = At("2026-10-08 09:00");
        var handedOver = HandOff.Decide(NationalDay(), boundary, Active, [], boundary.AddMinutes(3)).HandedOver.ShouldNotBeNull();

        handedOver.At.ShouldBe(boundary);
        handedOver.EvaluatedAt.ShouldBe(boundary.AddMinutes(3));
        (handedOver.From, handedOver.To).ShouldBe(("hua", "bob"));
    }

    [Fact]
    public void a_short_custom_rotation_hands_off_every_shift_length()
    {
        var admin = new Actor("admin-1", "Admin");
        var created = RosterDecider.Decide(new CreateRoster(Guid.NewGuid(), "Night desk", null, "Asia/Shanghai", false, At("2026-12-01 08:00"),
            [new LayerPlan("desk", null, RotationKind.Custom, TimeSpan.FromHours(1), new TimeOnly(8, 0), ["ann", "bob"], LayerDays.Every,
                new DateOnly(2026, 12, 1))], admin), null, new DutyContext(Active.Keys.ToHashSet(), WorkingDayCalendar.Official),
            At("2026-12-01 07:00"));
        created.Error.ShouldBeNull();
        var duty = OnDuty.For(Roster.From(created.Events)!, WorkingDayCalendar.Official);

        HandOff.Next(duty, At("2026-12-01 08:10")).ShouldBe(At("2026-12-01 09:00"));
        HandOff.Decide(duty, At("2026-12-01 09:00"), Active, [], At("2026-12-01 09:00")).HandedOver.ShouldNotBeNull()
            .To.ShouldBe("bob");
        HandOff.Decide(duty, At("2026-12-01 10:00"), Active, [], At("2026-12-01 10:00")).HandedOver.ShouldNotBeNull()
            .To.ShouldBe("ann");
    }

    [Fact]
    public void the_hand_off_id_is_the_same_for_the_same_roster_and_instant_only()
    {
        var roster = Guid.NewGuid();
        var at = At("2026-10-01 09:00");

        HandOff.IdFor(roster, at).ShouldBe(HandOff.IdFor(roster, at.ToUniversalTime()));
        HandOff.IdFor(roster, at).ShouldNotBe(HandOff.IdFor(roster, at.AddHours(24)));
        HandOff.IdFor(roster, at).ShouldNotBe(HandOff.IdFor(Guid.NewGuid(), at));
    }

    private static OpenIncident Outage(Guid id, DateTimeOffset reportedAt, bool acknowledged = false, bool drill = false)
    {
        var events = new List<object>
        {
            new IncidentReported(id, "Portal down", "502 everywhere", "claims-analysis-portal", IncidentClass.Outage, IntakeChannel.Monitoring,
                new Reporter("Liu Yang", null, null), drill, drill ? Guid.NewGuid() : null, SlaPolicy.ContractDefault, SlaStory.Desk, reportedAt),
        };
        if (acknowledged)
        {
            events.Add(new IncidentAcknowledged(id, SlaStory.DutyEngineer, reportedAt.AddMinutes(1)));
        }

        return new OpenIncident(id, "Portal down", "claims-analysis-portal", drill, SlaClock.From(events));
    }
}
