using Incidents.Domain.Calendar;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.Rosters;

namespace Incidents.Domain.Tests.Duty;

/// <summary>
/// Who is on duty (docs/oncall.md), as a table over one roster in Asia/Shanghai, hand-off 09:00:
/// <list type="bullet">
/// <item>engineers: ann, bob, cai, daily, ann first on Mon 28 Sep 2026 (precedence 0);</item>
/// <item>weekend: dan, eve on non-working days (weekends, holidays; not the 10 Oct make-up workday), precedence 5;</item>
/// <item>holiday: hua, ivy on PRC public holidays (Mid-Autumn 25–27 Sep, National Day 1–7 Oct), precedence 10;</item>
/// <item>an override: fay covers the weekend Sat 26 Sep 09:00 – Mon 28 Sep 09:00.</item>
/// </list>
/// </summary>
public sealed class OnDutyTableTests
{
    private static readonly Actor Admin = new("admin-1", "Admin");

    private static readonly DateTimeOffset Planned = At("2026-09-01 10:00");

    private static readonly DutyContext Context = new(
        new HashSet<string> { "ann", "bob", "cai", "dan", "eve", "fay", "hua", "ivy" }, WorkingDayCalendar.Official);

    private static DateTimeOffset At(string shanghai) =>
        new(DateTime.Parse(shanghai, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(8));

    internal static LayerPlan Layer(string name, int precedence, LayerDays days, DateOnly startsOn, params string[] members) =>
        new(name, precedence, RotationKind.Daily, null, new TimeOnly(9, 0), members, days, startsOn);

    internal static Roster NationalDayRoster()
    {
        var id = Guid.NewGuid();
        var create = new CreateRoster(id, "Level 1 duty", "duty-engineer", "Asia/Shanghai", true, At("2026-09-20 09:00"),
        [
            Layer("engineers", 0, LayerDays.Every, new DateOnly(2026, 9, 28), "ann", "bob", "cai"),
            Layer("weekend", 5, LayerDays.NonWorkingDays, new DateOnly(2026, 10, 1), "dan", "eve"),
            Layer("holiday", 10, LayerDays.Holidays, new DateOnly(2026, 10, 1), "hua", "ivy"),
        ], Admin);
        var created = RosterDecider.Decide(create, null, Context, Planned);
        created.Error.ShouldBeNull();
        var roster = Roster.From(created.Events)!;
        var weekend = RosterDecider.Decide(new AddRosterOverride(Guid.NewGuid(), "fay", At("2026-09-26 09:00"), At("2026-09-28 09:00"),
            "covers the Mid-Autumn weekend", Admin), roster, Context, Planned);
        weekend.Error.ShouldBeNull();
        return weekend.Events.Aggregate(roster, (r, e) => Roster.Evolve(r, e)!);
    }

    public static TheoryData<string, string, DutyReason, string?> Table => new()
    {
        { "2026-09-24 12:00", "cai", DutyReason.Rotation, "engineers" },
        { "2026-09-25 08:59:59", "cai", DutyReason.Rotation, "engineers" },
        { "2026-09-25 09:00", "hua", DutyReason.Holiday, "holiday" },            // Mid-Autumn starts at the hand-off
        { "2026-09-26 08:59", "hua", DutyReason.Holiday, "holiday" },
        { "2026-09-26 09:00", "fay", DutyReason.Override, null },                // the weekend override beats the holiday layer
        { "2026-09-27 23:00", "fay", DutyReason.Override, null },
        { "2026-09-28 08:59:59", "fay", DutyReason.Override, null },
        { "2026-09-28 09:00", "ann", DutyReason.Rotation, "engineers" },         // the override ends exactly at the hand-off
        { "2026-09-29 09:00", "bob", DutyReason.Rotation, "engineers" },
        { "2026-09-30 12:00", "cai", DutyReason.Rotation, "engineers" },
        { "2026-10-01 08:59:59", "cai", DutyReason.Rotation, "engineers" },      // 30 Sep is a working day till 09:00 on 1 Oct
        { "2026-10-01 09:00", "hua", DutyReason.Holiday, "holiday" },            // National Day
        { "2026-10-02 09:00", "ivy", DutyReason.Holiday, "holiday" },
        { "2026-10-03 03:00", "ivy", DutyReason.Holiday, "holiday" },            // 03:00 belongs to the duty day of 2 Oct
        { "2026-10-04 10:00", "ivy", DutyReason.Holiday, "holiday" },            // holiday beats weekend (Sunday)
        { "2026-10-07 09:00", "hua", DutyReason.Holiday, "holiday" },
        { "2026-10-08 08:59:59", "hua", DutyReason.Holiday, "holiday" },
        { "2026-10-08 09:00", "bob", DutyReason.Rotation, "engineers" },         // back to work: the rotation went on meanwhile
        { "2026-10-09 20:00", "cai", DutyReason.Rotation, "engineers" },
        { "2026-10-10 09:00", "ann", DutyReason.Rotation, "engineers" },         // Saturday, but a make-up workday: no weekend layer
        { "2026-10-10 23:59", "ann", DutyReason.Rotation, "engineers" },
        { "2026-10-11 09:00", "dan", DutyReason.Rotation, "weekend" },           // Sunday: the weekend layer
        { "2026-10-12 08:59:59", "dan", DutyReason.Rotation, "weekend" },
        { "2026-10-12 09:00", "cai", DutyReason.Rotation, "engineers" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void the_roster_names_who_is_on_duty_and_why(string shanghai, string person, DutyReason reason, string? layer)
    {
        var answer = OnDuty.For(NationalDayRoster(), WorkingDayCalendar.Official).At(At(shanghai));

        answer.PersonId.ShouldBe(person);
        answer.Reason.ShouldBe(reason);
        answer.Layer.ShouldBe(layer);
    }

    [Fact]
    public void a_hand_off_stated_in_utc_is_the_same_instant()
    {
        var duty = OnDuty.For(NationalDayRoster(), WorkingDayCalendar.Official);

        duty.At(DateTimeOffset.Parse("2026-10-01T00:59:59Z")).PersonId.ShouldBe("cai");
        duty.At(DateTimeOffset.Parse("2026-10-01T01:00:00Z")).PersonId.ShouldBe("hua");
    }

    [Fact]
    public void the_shifts_of_a_week_say_who_and_why_hand_off_to_hand_off()
    {
        var shifts = OnDuty.For(NationalDayRoster(), WorkingDayCalendar.Official).Shifts(At("2026-09-25 00:00"), At("2026-09-29 09:00"));

        shifts.Select(s => (s.From, s.PersonId, s.Reason)).ShouldBe(
        [
            (At("2026-09-25 00:00"), "cai", DutyReason.Rotation),
            (At("2026-09-25 09:00"), "hua", DutyReason.Holiday),
            (At("2026-09-26 09:00"), "fay", DutyReason.Override),
            (At("2026-09-28 09:00"), "ann", DutyReason.Rotation),
        ]);
        shifts[^1].To.ShouldBe(At("2026-09-29 09:00"));
    }

    [Fact]
    public void before_the_first_schedule_takes_effect_nobody_is_on_duty()
    {
        OnDuty.For(NationalDayRoster(), WorkingDayCalendar.Official).At(At("2026-09-20 08:59")).Reason.ShouldBe(DutyReason.Nobody);
    }

    [Fact]
    public void a_later_change_never_rewrites_what_the_roster_said_before_it_took_effect()
    {
        var roster = NationalDayRoster();
        var changedAt = At("2026-10-05 12:00");
        var change = RosterDecider.Decide(new ChangeRosterSchedule(At("2026-10-09 09:00"),
            [Layer("engineers", 0, LayerDays.Every, new DateOnly(2026, 10, 9), "eve")], "eve takes over", Admin), roster, Context, changedAt);
        change.Error.ShouldBeNull();
        var changed = change.Events.Aggregate(roster, (r, e) => Roster.Evolve(r, e)!);

        var now = OnDuty.For(changed, WorkingDayCalendar.Official);
        now.At(At("2026-10-08 12:00")).PersonId.ShouldBe("bob");                 // before the change: unchanged
        now.At(At("2026-10-10 12:00")).PersonId.ShouldBe("eve");                 // after it: the new layers
        OnDuty.For(changed, WorkingDayCalendar.Official, knownAt: changedAt.AddSeconds(-1))
            .At(At("2026-10-10 12:00")).PersonId.ShouldBe("ann");                // what the roster said before the change was made
    }

    [Fact]
    public void a_change_that_starts_in_the_past_is_refused_naming_the_field()
    {
        var decision = RosterDecider.Decide(new ChangeRosterSchedule(At("2026-10-01 09:00"),
            [Layer("engineers", 0, LayerDays.Every, new DateOnly(2026, 10, 1), "eve")], null, Admin), NationalDayRoster(), Context,
            At("2026-10-02 09:00"));

        decision.Error.ShouldNotBeNull().Field.ShouldBe("effectiveFrom");
    }

    [Fact]
    public void a_7x24_roster_with_only_a_working_day_layer_is_refused_with_the_first_gap()
    {
        var decision = RosterDecider.Decide(new CreateRoster(Guid.NewGuid(), "Days only", null, "Asia/Shanghai", true, At("2026-09-20 09:00"),
            [Layer("engineers", 0, LayerDays.WorkingDays, new DateOnly(2026, 9, 21), "ann")], Admin), null, Context, Planned);

        var error = decision.Error.ShouldNotBeNull();
        error.Code.ShouldBe("roster.coverage-gap");
        error.Detail.ShouldContain("2026-09-25T01:00:00"); // Sunday 20 Sep is a make-up workday: the first gap is Fri 25 Sep
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "Asia/Shanghai", "bob", 0, 0, "timeZone")]
    [InlineData("America/New_York", "America/New_York", "bob", 2, 30, "layers[0].handOff")]
    [InlineData("Asia/Shanghai", "Asia/Shanghai", "zed", 9, 0, "layers[0].members[0]")]
    public void bad_roster_input_is_refused_naming_the_field(string zone, string _, string member, int hour, int minute, string field)
    {
        var decision = RosterDecider.Decide(new CreateRoster(Guid.NewGuid(), "R", null, zone, false, null,
            [new LayerPlan("l", null, RotationKind.Daily, null, new TimeOnly(hour, minute), [member], LayerDays.Every, null)], Admin),
            null, Context, Planned);

        decision.Error.ShouldNotBeNull().Field.ShouldBe(field);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void overlapping_layers_without_distinct_precedence_are_refused()
    {
        var decision = RosterDecider.Decide(new CreateRoster(Guid.NewGuid(), "R", null, "Asia/Shanghai", false, null,
        [
            Layer("a", 1, LayerDays.Every, new DateOnly(2026, 9, 1), "ann"),
            Layer("b", 1, LayerDays.Holidays, new DateOnly(2026, 9, 1), "bob"),
        ], Admin), null, Context, Planned);

        decision.Error.ShouldNotBeNull().Field.ShouldBe("layers[1].precedence");
    }

    [Fact]
    public void an_override_that_ends_before_it_starts_is_refused()
    {
        var decision = RosterDecider.Decide(new AddRosterOverride(Guid.NewGuid(), "fay", At("2026-10-02 09:00"), At("2026-10-01 09:00"), null, Admin),
            NationalDayRoster(), Context, Planned);

        decision.Error.ShouldNotBeNull().Field.ShouldBe("to");
    }
}
