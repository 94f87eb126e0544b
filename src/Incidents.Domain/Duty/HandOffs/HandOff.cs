using System.Security.Cryptography;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Duty.HandOffs;

/// <summary>An incident open at a hand-off, as the decision needs it: its SLA clock (null: none) and whether it is a drill.</summary>
public sealed record OpenIncident(Guid Id, string Title, string AffectedSystem, bool IsDrill, SlaClockState? Sla);

/// <summary>What a hand-off hint comes to: not due yet, not (or no longer) a shift change, or a hand-off to record.</summary>
public sealed record HandOffDecision(HandOffOutcome Outcome, ShiftHandedOver? HandedOver)
{
    public static readonly HandOffDecision NotYet = new(HandOffOutcome.NotYet, null);
    public static readonly HandOffDecision NotABoundary = new(HandOffOutcome.NotABoundary, null);
}

public enum HandOffOutcome
{
    /// <summary>The hint arrived before its instant: wait for it.</summary>
    NotYet,

    /// <summary>The roster does not change shift at that instant (any more): a stale hint, nothing to do.</summary>
    NotABoundary,

    /// <summary>A shift change: record it (and tell the incoming person when <see cref="ShiftHandedOver.Notify"/>).</summary>
    HandOver,
}

/// <summary>
/// Hand-offs (docs/oncall.md, "Hand-offs"): at every instant a roster's answer changes (<see cref="OnDuty.Shifts"/>), the
/// incoming person is told what is open. Pure: the roster, the open incidents and the instant decide.
/// </summary>
public static class HandOff
{
    /// <summary>How far ahead the next shift change is looked for; a roster that does not change for longer is re-checked then.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(31);

    /// <summary>
    /// One id per roster and instant, the same on every node and every retry: a second hint for the same hand-off finds its
    /// stream and records nothing.
    /// </summary>
    public static Guid IdFor(Guid rosterId, DateTimeOffset at)
    {
        Span<byte> input = stackalloc byte[24];
        rosterId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], at.UtcTicks);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (name-based, custom hash)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    /// <summary>True when the roster's answer changes exactly at <paramref name="at"/> (someone else, or the same person for another reason).</summary>
    public static bool IsShiftChange(OnDuty duty, DateTimeOffset at) => !duty.At(at).SameShiftAs(duty.At(at.AddTicks(-1)));

    /// <summary>The first shift change strictly after <paramref name="after"/> within the horizon; null when there is none.</summary>
    public static DateTimeOffset? Next(OnDuty duty, DateTimeOffset after)
    {
        var shifts = duty.Shifts(after, after + Horizon);
        return shifts.Count > 1 ? shifts[1].From : null;
    }

    /// <summary>
    /// The hand-off at <paramref name="at"/>, evaluated at <paramref name="now"/>: who goes, who comes (a person not in
    /// <paramref name="activePeople"/> counts as nobody), and what is open. Production incidents and drills are counted
    /// apart; the worst clock is the production stage with the least time left, a breached one first.
    /// </summary>
    public static HandOffDecision Decide(OnDuty duty, DateTimeOffset at, IReadOnlyDictionary<string, string> activePeople,
        IReadOnlyList<OpenIncident> open, DateTimeOffset now)
    {
        if (!IsShiftChange(duty, at))
        {
            return HandOffDecision.NotABoundary;
        }

        if (now < at)
        {
            return HandOffDecision.NotYet;
        }

        var before = duty.At(at.AddTicks(-1));
        var after = duty.At(at);
        var from = before.PersonId is { } f && activePeople.ContainsKey(f) ? f : null;
        var to = after.PersonId is { } t && activePeople.ContainsKey(t) ? t : null;
        var work = OpenAt(open, now);
        return new HandOffDecision(HandOffOutcome.HandOver, new ShiftHandedOver(IdFor(duty.Roster.Id, at), duty.Roster.Id, duty.Roster.Name,
            at, from, to, to is null ? null : activePeople[to], to is null ? DutyReason.Nobody : after.Reason, after.Layer, after.ShiftEnd,
            work, to is not null && to != from, now));
    }

    /// <summary>What is open at <paramref name="now"/>: counts, and the running or breached production stage with the least time left.</summary>
    public static OpenWork OpenAt(IReadOnlyList<OpenIncident> open, DateTimeOffset now)
    {
        WorstClock? worst = null;
        foreach (var incident in open.Where(i => !i.IsDrill && i.Sla is not null))
        {
            foreach (var clock in SlaClock.Evaluate(incident.Sla!, now))
            {
                if (clock.Status is not (SlaStageStatus.Running or SlaStageStatus.Breached) || clock.Remaining is not { } remaining)
                {
                    continue;
                }

                if (worst is null || remaining < worst.Remaining || (remaining == worst.Remaining && incident.Id.CompareTo(worst.IncidentId) < 0))
                {
                    worst = new WorstClock(incident.Id, incident.Title, incident.AffectedSystem, clock.Stage, clock.DueAt!.Value, remaining,
                        clock.Status == SlaStageStatus.Breached);
                }
            }
        }

        return new OpenWork(open.Count(i => !i.IsDrill), open.Count(i => i.IsDrill), worst);
    }
}
