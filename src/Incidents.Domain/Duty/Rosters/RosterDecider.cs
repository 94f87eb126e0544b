using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.OnCall;

namespace Incidents.Domain.Duty.Rosters;

/// <summary>A layer as asked for; the decider checks it and fills in the defaults (precedence 0, start on the effective date).</summary>
public sealed record LayerPlan(string Name, int? Precedence, RotationKind Rotation, TimeSpan? ShiftLength, TimeOnly HandOff,
    IReadOnlyList<string> Members, LayerDays Days, DateOnly? StartsOn);

public sealed record CreateRoster(Guid RosterId, string Name, string? Role, string TimeZone, bool Is24x7, DateTimeOffset? EffectiveFrom,
    IReadOnlyList<LayerPlan> Layers, Actor By);

public sealed record ChangeRosterSchedule(DateTimeOffset? EffectiveFrom, IReadOnlyList<LayerPlan> Layers, string? Reason, Actor By);

public sealed record AddRosterOverride(Guid OverrideId, string PersonId, DateTimeOffset From, DateTimeOffset To, string? Reason, Actor By);

/// <summary>Two members trade windows: the second covers the first window, the first covers the second.</summary>
public sealed record SwapRosterShifts(Guid SwapId, string FirstPersonId, DateTimeOffset FirstFrom, DateTimeOffset FirstTo,
    string SecondPersonId, DateTimeOffset SecondFrom, DateTimeOffset SecondTo, string? Reason, Actor By);

public sealed record CancelRosterOverride(Guid OverrideId, Actor By);

/// <summary>What the roster rules need to know besides the roster: who is an active person, and the official calendar.</summary>
public sealed record DutyContext(IReadOnlySet<string> ActivePeople, WorkingDayCalendar Calendar);

/// <summary>
/// The roster rules. Nothing recorded rewrites the past: a schedule change takes effect now or later, an override starts
/// now or later, only an override that has not started can be cancelled. A roster marked 7×24 is refused (422) any change
/// that would leave an instant without anyone on duty in the year after it takes effect.
/// </summary>
public static class RosterDecider
{
    /// <summary>Requests a little behind the server's clock ("from now") are taken as now.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxOverride = TimeSpan.FromDays(93);

    /// <summary>How far ahead a 7×24 roster's coverage is checked.</summary>
    public static readonly TimeSpan CoverageHorizon = TimeSpan.FromDays(400);

    public static Decision Decide(CreateRoster c, Roster? state, DutyContext context, DateTimeOffset now)
    {
        if (state is not null)
        {
            return new DomainError("roster.already-exists", "Roster already exists", $"A roster with id {c.RosterId} already exists.");
        }

        if (Zone(c.TimeZone) is not { } zone)
        {
            return DutyErrors.Invalid("timeZone", $"'{c.TimeZone}' is not a known IANA time zone (Asia/Shanghai, Europe/Berlin, ...).");
        }

        var created = new RosterCreated(c.RosterId, c.Name, c.Role, c.TimeZone, c.Is24x7, c.By, now);
        var roster = Roster.Evolve(null, created)!;
        var change = Change(roster, zone, c.EffectiveFrom, c.Layers, null, context, c.By, now);
        return change.Error ?? (Decision)Decision.Accept([created, .. change.Events]);
    }

    public static Decision Decide(ChangeRosterSchedule c, Roster state, DutyContext context, DateTimeOffset now) =>
        Change(state, TimeZoneInfo.FindSystemTimeZoneById(state.TimeZone), c.EffectiveFrom, c.Layers, c.Reason, context, c.By, now);

    public static Decision Decide(AddRosterOverride c, Roster state, DutyContext context, DateTimeOffset now)
    {
        if (Window("", c.PersonId, c.From, c.To, context, now) is { } error)
        {
            return error;
        }

        return Decision.Accept(new RosterOverrideAdded(state.Id, c.OverrideId, c.PersonId, Max(c.From, now), c.To, c.Reason, null, c.By, now));
    }

    public static Decision Decide(SwapRosterShifts c, Roster state, DutyContext context, DateTimeOffset now)
    {
        if (Window("first", c.FirstPersonId, c.FirstFrom, c.FirstTo, context, now) is { } first)
        {
            return first;
        }

        if (Window("second", c.SecondPersonId, c.SecondFrom, c.SecondTo, context, now) is { } second)
        {
            return second;
        }

        if (c.FirstPersonId == c.SecondPersonId)
        {
            return DutyErrors.Invalid("secondPersonId", "a swap needs two different people.");
        }

        if (c.FirstFrom < c.SecondTo && c.SecondFrom < c.FirstTo)
        {
            return DutyErrors.Invalid("secondFrom", "the two windows of a swap must not overlap.");
        }

        // In the first person's window the second covers, and the other way round.
        return Decision.Accept(
            new RosterOverrideAdded(state.Id, Guid.CreateVersion7(now), c.SecondPersonId, Max(c.FirstFrom, now), c.FirstTo, c.Reason, c.SwapId, c.By, now),
            new RosterOverrideAdded(state.Id, Guid.CreateVersion7(now), c.FirstPersonId, Max(c.SecondFrom, now), c.SecondTo, c.Reason, c.SwapId, c.By, now));
    }

    public static Decision Decide(CancelRosterOverride c, Roster state, DateTimeOffset now)
    {
        if (state.Overrides.FirstOrDefault(o => o.Id == c.OverrideId && o.CancelledAt is null) is not { } found)
        {
            return DutyErrors.OverrideNotFound(state.Id, c.OverrideId);
        }

        return found.From <= now
            ? DutyErrors.OverrideStarted(c.OverrideId)
            : Decision.Accept(new RosterOverrideCancelled(state.Id, c.OverrideId, c.By, now));
    }

    private static DomainError? Window(string prefix, string personId, DateTimeOffset from, DateTimeOffset to, DutyContext context,
        DateTimeOffset now)
    {
        string Field(string name) => prefix.Length == 0 ? name : prefix + char.ToUpperInvariant(name[0]) + name[1..];
        if (!context.ActivePeople.Contains(personId))
        {
            return DutyErrors.UnknownMember(Field("personId"), personId);
        }

        if (to <= from)
        {
            return DutyErrors.Invalid(Field("to"), $"the window ends ({to:O}) before it starts ({from:O}).");
        }

        if (from < now - Tolerance)
        {
            return DutyErrors.ChangeInPast(Field("from"), from, now);
        }

        return to - from > MaxOverride
            ? DutyErrors.Invalid(Field("to"), $"an override covers at most {MaxOverride.TotalDays:0} days; change the schedule instead.")
            : null;
    }

    private static Decision Change(Roster roster, TimeZoneInfo zone, DateTimeOffset? effectiveFrom, IReadOnlyList<LayerPlan> plans,
        string? reason, DutyContext context, Actor by, DateTimeOffset now)
    {
        var from = effectiveFrom ?? now;
        if (from < now - Tolerance)
        {
            return DutyErrors.ChangeInPast("effectiveFrom", from, now);
        }

        from = Max(from, now);
        var localStart = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        var layers = new List<RosterLayer>();
        for (var i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            var field = $"layers[{i}]";
            if (plans.Count > 1 && plan.Precedence is null)
            {
                return DutyErrors.Invalid($"{field}.precedence", "give every layer a precedence when the roster has more than one (higher wins).");
            }

            for (var j = 0; j < i; j++)
            {
                if (plans[j].Precedence == plan.Precedence && Overlap(plans[j].Days, plan.Days))
                {
                    return DutyErrors.Invalid($"{field}.precedence",
                        $"layers[{j}] has the same precedence ({plan.Precedence}) and covers some of the same days; give overlapping layers distinct precedences.");
                }
            }

            if (plan.Rotation == RotationKind.Custom
                && plan.ShiftLength is not { } length | plan.ShiftLength < TimeSpan.FromHours(1) | plan.ShiftLength > TimeSpan.FromDays(28))
            {
                return DutyErrors.Invalid($"{field}.shiftLength", "a custom rotation needs a shift length from PT1H to P28D.");
            }

            if (plan.Members.Count == 0)
            {
                return DutyErrors.Invalid($"{field}.members", "a layer needs at least one member.");
            }

            for (var m = 0; m < plan.Members.Count; m++)
            {
                if (!context.ActivePeople.Contains(plan.Members[m]))
                {
                    return DutyErrors.UnknownMember($"{field}.members[{m}]", plan.Members[m]);
                }
            }

            if (MissingHandOff(zone, plan.HandOff, localStart) is { } skipped)
            {
                return DutyErrors.Invalid($"{field}.handOff",
                    $"{plan.HandOff:HH\\:mm} does not exist in {zone.Id} on {skipped:yyyy-MM-dd} (the clocks skip it for daylight saving); choose another hand-off time.");
            }

            layers.Add(new RosterLayer(plan.Name, plan.Precedence ?? 0, plan.Rotation, plan.Rotation == RotationKind.Custom ? plan.ShiftLength : null,
                plan.HandOff, plan.Members, plan.Days, plan.StartsOn ?? localStart));
        }

        var changed = new RosterScheduleChanged(roster.Id, from, layers, reason, by, now);
        if (roster.Is24x7 && FirstGap(Roster.Evolve(roster, changed)!, context.Calendar, from) is { } gap)
        {
            return DutyErrors.CoverageGap(gap.From, gap.To);
        }

        return Decision.Accept(changed);
    }

    /// <summary>The first window without anyone on duty in the horizon after <paramref name="from"/>; null when covered.</summary>
    public static DutyShift? FirstGap(Roster roster, WorkingDayCalendar calendar, DateTimeOffset from)
    {
        var duty = OnDuty.For(roster, calendar);
        return duty.Shifts(from, from + CoverageHorizon).FirstOrDefault(s => s.PersonId is null);
    }

    /// <summary>A hand-off time the clocks skip on some day of the next three years in a zone with daylight saving.</summary>
    private static DateOnly? MissingHandOff(TimeZoneInfo zone, TimeOnly handOff, DateOnly start)
    {
        if (!zone.SupportsDaylightSavingTime)
        {
            return null;
        }

        for (var day = start; day < start.AddYears(3); day = day.AddDays(1))
        {
            if (zone.IsInvalidTime(day.ToDateTime(handOff)))
            {
                return day;
            }
        }

        return null;
    }

    private static bool Overlap(LayerDays a, LayerDays b) => (a, b) switch
    {
        (LayerDays.WorkingDays, LayerDays.NonWorkingDays or LayerDays.Holidays) => false,
        (LayerDays.NonWorkingDays or LayerDays.Holidays, LayerDays.WorkingDays) => false,
        _ => true,
    };

    public static TimeZoneInfo? Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
