using Incidents.Api.Incidents;
using Incidents.Api.Security.Integrity;
using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Incidents;
using Incidents.Projections.Duty;
using Incidents.Projections.Incidents;
using Marten;
using Marten.Exceptions;
using Wolverine;
using Wolverine.Attributes;

namespace Incidents.Api.Duty.HandOffs;

/// <summary>
/// A roster's shift changes (docs/oncall.md, "Hand-offs"). Timers are hints, state is truth: the handler re-reads the
/// roster and records a hand-off only when the roster changes hands exactly at the hint's instant and that hand-off is not
/// recorded yet (its stream id is derived from roster and instant). Then, in one transaction: <see cref="ShiftHandedOver"/>
/// on the hand-off's own stream (hash-chained), the notice to the incoming person through the outbox, and the hint for the
/// roster's next shift change. A stale hint (the roster changed; another hint re-armed it) or a duplicate does nothing and
/// arms nothing, so there is one chain of hints per roster however many copies were scheduled.
/// </summary>
public static class RosterHandOffHandler
{
    private static readonly IncidentStatus[] OpenStatuses =
        [IncidentStatus.Reported, IncidentStatus.Acknowledged, IncidentStatus.Dispatched, IncidentStatus.OnSite, IncidentStatus.Restored];

    // Two copies of one hint racing: the loser's stream start collides; on retry it finds the hand-off and does nothing.
    [RetryNow(typeof(ExistingStreamIdCollisionException), 50, 250)]
    public static async Task Handle(RosterHandOffDue due, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var roster = (await session.LoadAsync<RosterDetails>(due.RosterId, ct))?.State;
        if (roster is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (due.Recheck)
        {
            await HandOffTimer.ArmAsync(bus, roster, due.At > now ? due.At : now);
            await session.SaveChangesAsync(ct);
            return;
        }

        var duty = OnDuty.For(roster, WorkingDayCalendar.Official);
        if (!HandOff.IsShiftChange(duty, due.At) || await session.LoadAsync<HandOffDetails>(HandOff.IdFor(roster.Id, due.At), ct) is not null)
        {
            // Stale (the roster changed: its change armed the new next hint) or a duplicate: nothing to do.
            return;
        }

        if (now < due.At)
        {
            // Early (a clock behind the scheduler's): wait for the instant.
            await bus.ScheduleAsync(due, due.At);
            await session.SaveChangesAsync(ct);
            return;
        }

        var people = await session.Query<PersonDetails>().Where(p => p.Active).ToListAsync(ct);
        var open = await session.Query<IncidentDetails>().Where(d => OpenStatuses.Contains(d.Status)).ToListAsync(ct);
        var decision = HandOff.Decide(duty, due.At, people.ToDictionary(p => p.PersonId, p => p.Name),
            open.Select(d => new OpenIncident(d.Id, d.Title, d.AffectedSystem, d.IsDrill, d.Sla)).ToList(), now);
        if (decision.HandedOver is not { } handedOver)
        {
            return;
        }

        Stage(session, handedOver.HandOffId, null, [handedOver]);
        if (handedOver.Notify && people.FirstOrDefault(p => p.PersonId == handedOver.To) is { } incoming)
        {
            await bus.PublishAsync(Announcement(handedOver, incoming, people.FirstOrDefault(p => p.PersonId == handedOver.From)));
        }

        // The next shift change after this one, or after now when this hint came late (missed hand-offs are not told late).
        await HandOffTimer.ArmAsync(bus, roster, now > due.At ? now : due.At);
        session.LastModifiedBy = Actor.System.Id;
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Appends to a hand-off's stream with the links of the hash chain (head in the document and its <see cref="IncidentChainHead"/>).</summary>
    public static HandOffDetails Stage(IDocumentSession session, Guid id, HandOffDetails? before, IReadOnlyList<object> events)
    {
        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = HandOffDetailsProjection.Project(after, e.Data, version, previous);
        }

        session.Store(new IncidentChainHead { Id = id, Version = version, Hash = previous });
        return after!;
    }

    public static ShiftHandOffAnnounced Announcement(ShiftHandedOver e, PersonDetails to, PersonDetails? from) => new(
        e.HandOffId, e.RosterId, e.RosterName, e.At, e.From, from?.Name,
        new PagedRecipient(to.PersonId, to.Name, $"roster:{e.RosterId}", IntegrationEvents.Kebab(e.Reason), e.RosterId, e.RosterName,
            to.Contacts.Mobile, to.Contacts.Email, to.Contacts.WeCom, to.Contacts.DingTalk, to.Contacts.Feishu),
        e.ShiftEnd, e.Open.Incidents, e.Open.Drills,
        e.Open.Worst is { } w
            ? new HandOffWorstClock(w.IncidentId, w.Title, w.AffectedSystem, IntegrationEvents.Kebab(w.Stage), w.DueAt, w.Remaining, w.Breached)
            : null,
        e.EvaluatedAt);
}
