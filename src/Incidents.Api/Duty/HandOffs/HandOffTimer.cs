using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.Rosters;
using Wolverine;

namespace Incidents.Api.Duty.HandOffs;

/// <summary>
/// A hint that roster <see cref="RosterId"/> changes hands at <see cref="At"/>: a durable scheduled message (stored in
/// PostgreSQL with the events that armed it). The handler trusts the roster, not the hint (docs/oncall.md, "Hand-offs").
/// <see cref="Recheck"/>: no shift change was found within the horizon when it was armed; look again then.
/// </summary>
public sealed record RosterHandOffDue(Guid RosterId, DateTimeOffset At, bool Recheck = false);

/// <summary>Arms the next hand-off of a roster: at its next shift change after an instant, or a re-check at the horizon.</summary>
public static class HandOffTimer
{
    public static async Task ArmAsync(IMessageBus bus, Roster roster, DateTimeOffset after)
    {
        var due = Next(roster, after);
        await bus.ScheduleAsync(due, due.At);
    }

    public static RosterHandOffDue Next(Roster roster, DateTimeOffset after) =>
        HandOff.Next(OnDuty.For(roster, WorkingDayCalendar.Official), after) is { } next
            ? new RosterHandOffDue(roster.Id, next)
            : new RosterHandOffDue(roster.Id, after + HandOff.Horizon, Recheck: true);
}
