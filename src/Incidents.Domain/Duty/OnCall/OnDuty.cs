using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.Rosters;

namespace Incidents.Domain.Duty.OnCall;

/// <summary>Why someone is (or nobody is) on duty at an instant.</summary>
public enum DutyReason
{
    /// <summary>Their turn in a layer's rotation.</summary>
    Rotation,

    /// <summary>Their turn in the holiday layer (a PRC public holiday).</summary>
    Holiday,

    /// <summary>An override: they cover this window.</summary>
    Override,

    /// <summary>Half of a swap: they took over another member's window.</summary>
    Swap,

    /// <summary>No roster serves the role; the directory lists them with the role.</summary>
    Directory,

    /// <summary>Nobody: no layer covers the instant (a coverage gap).</summary>
    Nobody,
}

/// <summary>
/// Who a roster says is on duty at <see cref="At"/>, and why: the layer (and its precedence) or the override, and the
/// shift that answer belongs to (a rotation shift cut to the schedule in force, or the override's window).
/// </summary>
public sealed record DutyAnswer(
    DateTimeOffset At,
    string? PersonId,
    DutyReason Reason,
    string? Layer,
    int? Precedence,
    Guid? OverrideId,
    DateTimeOffset? ShiftStart,
    DateTimeOffset? ShiftEnd)
{
    public bool IsGap => PersonId is null;

    /// <summary>Same person for the same reason (two answers of one continuous shift).</summary>
    public bool SameShiftAs(DutyAnswer other) =>
        PersonId == other.PersonId && Reason == other.Reason && Layer == other.Layer && OverrideId == other.OverrideId;
}

/// <summary>One computed shift: who is on from <see cref="From"/> to <see cref="To"/> and why.</summary>
public sealed record DutyShift(DateTimeOffset From, DateTimeOffset To, string? PersonId, DutyReason Reason, string? Layer, Guid? OverrideId);

/// <summary>
/// A roster ready to answer "who is on duty": its time zone resolved, its timeline and overrides as known at one instant.
/// Pure: the same roster, calendar and instant always give the same answer. Build it once, ask it many times.
/// </summary>
public sealed class OnDuty
{
    private readonly TimeZoneInfo zone;
    private readonly WorkingDayCalendar calendar;
    private readonly RosterSchedule[] timeline;
    private readonly RosterOverride[] overrides;

    private OnDuty(Roster roster, TimeZoneInfo zone, WorkingDayCalendar calendar)
    {
        Roster = roster;
        this.zone = zone;
        this.calendar = calendar;
        timeline = [.. roster.Timeline()];
        // Latest recorded first: a later override over the same instant wins.
        overrides = [.. roster.Overrides.Where(o => o.CancelledAt is null).OrderByDescending(o => o.RecordedAt)];
    }

    public Roster Roster { get; }

    /// <summary>The roster as known now (<paramref name="knownAt"/> null) or as it was known at <paramref name="knownAt"/>.</summary>
    public static OnDuty For(Roster roster, WorkingDayCalendar calendar, DateTimeOffset? knownAt = null) =>
        new(knownAt is { } k ? roster.AsOf(k) : roster, TimeZoneInfo.FindSystemTimeZoneById(roster.TimeZone), calendar);

    /// <summary>Who is on duty at <paramref name="at"/>, and why.</summary>
    public DutyAnswer At(DateTimeOffset at)
    {
        foreach (var o in overrides)
        {
            if (o.From <= at && at < o.To)
            {
                return new DutyAnswer(at, o.PersonId, o.SwapId is null ? DutyReason.Override : DutyReason.Swap, null, null, o.Id, o.From, o.To);
            }
        }

        var index = Array.FindLastIndex(timeline, s => s.EffectiveFrom <= at);
        if (index < 0)
        {
            return Nobody(at);
        }

        var schedule = timeline[index];
        var until = index + 1 < timeline.Length ? timeline[index + 1].EffectiveFrom : (DateTimeOffset?)null;
        RosterLayer? best = null;
        foreach (var layer in schedule.Layers)
        {
            if ((best is null || layer.Precedence > best.Precedence) && layer.Members.Count > 0 && Covers(layer, at))
            {
                best = layer;
            }
        }

        if (best is null)
        {
            return Nobody(at);
        }

        var (turn, start, end) = Shift(best, at);
        if (start < schedule.EffectiveFrom)
        {
            start = schedule.EffectiveFrom;
        }

        if (until is { } next && end > next)
        {
            end = next;
        }

        return new DutyAnswer(at, best.Members[Mod(turn, best.Members.Count)],
            best.Days == LayerDays.Holidays ? DutyReason.Holiday : DutyReason.Rotation, best.Name, best.Precedence, null, start, end);
    }

    /// <summary>
    /// The shifts from <paramref name="from"/> to <paramref name="to"/>: the answer changes only at a hand-off, a rotation
    /// boundary, an override's edge or a schedule change, so the answer at each such instant holds until the next one.
    /// </summary>
    public IReadOnlyList<DutyShift> Shifts(DateTimeOffset from, DateTimeOffset to)
    {
        var shifts = new List<DutyShift>();
        DutyAnswer? open = null;
        var openedAt = from;
        foreach (var instant in Boundaries(from, to))
        {
            var answer = At(instant);
            if (open is not null && answer.SameShiftAs(open))
            {
                continue;
            }

            if (open is not null)
            {
                shifts.Add(new DutyShift(openedAt, instant, open.PersonId, open.Reason, open.Layer, open.OverrideId));
            }

            open = answer;
            openedAt = instant;
        }

        if (open is not null && openedAt < to)
        {
            shifts.Add(new DutyShift(openedAt, to, open.PersonId, open.Reason, open.Layer, open.OverrideId));
        }

        return shifts;
    }

    /// <summary>Every instant in [from, to) where the answer may change, in order, starting with <paramref name="from"/>.</summary>
    public IEnumerable<DateTimeOffset> Boundaries(DateTimeOffset from, DateTimeOffset to)
    {
        var points = new SortedSet<DateTimeOffset> { from };
        foreach (var o in overrides)
        {
            points.Add(o.From);
            points.Add(o.To);
        }

        foreach (var schedule in timeline)
        {
            points.Add(schedule.EffectiveFrom);
            foreach (var layer in schedule.Layers)
            {
                if (layer.InLocalDays)
                {
                    // Duty days (and so whole-day shifts) change at the hand-off on each local date.
                    var first = LocalDate(from).AddDays(-1);
                    for (var day = first; day <= LocalDate(to); day = day.AddDays(1))
                    {
                        points.Add(Instant(day, layer.HandOff));
                    }
                }
                else
                {
                    var anchor = Instant(layer.StartsOn, layer.HandOff);
                    var k = (long)Math.Floor((from - anchor) / layer.Length);
                    for (var start = anchor + k * layer.Length; start < to; start += layer.Length)
                    {
                        points.Add(start);
                    }

                    var firstDay = LocalDate(from).AddDays(-1);
                    for (var day = firstDay; day <= LocalDate(to); day = day.AddDays(1))
                    {
                        points.Add(Instant(day, layer.HandOff));
                    }
                }
            }
        }

        return points.GetViewBetween(from, to).Where(p => p < to);
    }

    private bool Covers(RosterLayer layer, DateTimeOffset at) => layer.Days switch
    {
        LayerDays.Every => true,
        LayerDays.WorkingDays => calendar.IsWorkingDay(DutyDate(layer, at)),
        LayerDays.NonWorkingDays => !calendar.IsWorkingDay(DutyDate(layer, at)),
        LayerDays.Holidays => calendar.IsHoliday(DutyDate(layer, at)),
        _ => false,
    };

    /// <summary>The duty day an instant belongs to: the local date of the last hand-off at or before it.</summary>
    private DateOnly DutyDate(RosterLayer layer, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var date = DateOnly.FromDateTime(local);
        return TimeOnly.FromDateTime(local) < layer.HandOff ? date.AddDays(-1) : date;
    }

    /// <summary>Which turn of the rotation covers <paramref name="at"/>, and that turn's start and end.</summary>
    private (long Turn, DateTimeOffset Start, DateTimeOffset End) Shift(RosterLayer layer, DateTimeOffset at)
    {
        if (layer.InLocalDays)
        {
            var days = (int)(layer.Length.Ticks / TimeSpan.TicksPerDay);
            var elapsed = DutyDate(layer, at).DayNumber - layer.StartsOn.DayNumber;
            var turn = FloorDiv(elapsed, days);
            var first = layer.StartsOn.AddDays((int)(turn * days));
            return (turn, Instant(first, layer.HandOff), Instant(first.AddDays(days), layer.HandOff));
        }

        var anchor = Instant(layer.StartsOn, layer.HandOff);
        var k = (long)Math.Floor((at - anchor) / layer.Length);
        var start = anchor + k * layer.Length;
        return (k, start, start + layer.Length);
    }

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>The instant of a local date and time in the roster's zone (a time skipped by daylight saving moves on an hour).</summary>
    public DateTimeOffset Instant(DateOnly day, TimeOnly time) => LocalInstant(zone, day, time);

    public static DateTimeOffset LocalInstant(TimeZoneInfo zone, DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static DutyAnswer Nobody(DateTimeOffset at) => new(at, null, DutyReason.Nobody, null, null, null, null, null);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int Mod(long turn, int count) => (int)(((turn % count) + count) % count);
}
