using Incidents.Api.Clocks;
using Incidents.Domain.Clocks;
using Incidents.Domain.Escalation;
using Incidents.Projections.Incidents;
using Marten;
using Wolverine;

namespace Incidents.Api.Incidents;

/// <summary>
/// The one way events reach an incident's stream, for every writer (the API's steps, the report, drill starts and
/// injects, the clock checks, delivery receipts): given the incident's document as loaded, it stages the events at the
/// expected version with their links of the hash chain, one integration message for the change, and the clocks' next
/// check — all in the session's transaction (Wolverine's Marten outbox). The caller saves.
/// </summary>
public static class IncidentStream
{
    /// <summary>
    /// Stages <paramref name="events"/> after <paramref name="before"/> (null: they open a new incident) and returns the
    /// document as it will be once saved, computed with the projection's own function (no read-back). A clock check
    /// passes its <paramref name="tick"/>: the next check is then the one the domain decided; any other change
    /// schedules a check when it moved the clocks' next instant.
    /// </summary>
    public static async Task<IncidentDetails> Stage(IDocumentSession session, IMessageBus bus, Guid id, IncidentDetails? before,
        IReadOnlyList<object> events, DateTimeOffset now, EscalationPolicy escalation, ClockTick? tick = null)
    {
        if (events.Count == 0)
        {
            // Nothing decided, nothing to append: an append of no events must never reach the store (issue #17).
            return before ?? throw new ArgumentException("A new incident needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        // Appending at an expected version makes a concurrent writer fail at commit instead of overwriting.
        var action = before is null
            ? session.Events.StartStream<global::Incidents.Domain.Incidents.Incident>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());

        var previous = before?.ChainHash ?? Security.Integrity.EventChain.Genesis;
        var after = before;
        var messages = new List<object>();
        foreach (var e in action.Events)
        {
            previous = Security.Integrity.EventChain.Link(e, id, ++version, previous);
            after = IncidentDetailsProjection.Apply(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not an incident: its first event is {e.Data.GetType().Name}.");
            if (IntegrationEvents.For(e.Data, after, version) is { } message)
            {
                messages.Add(message);
            }
        }

        foreach (var message in IntegrationEvents.OnePerChange(messages))
        {
            await bus.PublishAsync(message);
        }

        foreach (var restored in events.OfType<global::Incidents.Domain.Incidents.ServiceRestored>())
        {
            await bus.PublishAsync(new IncidentServiceRestored(id, after!.Class, after.IsDrill, restored.At));
        }

        if (tick is not null)
        {
            if (tick.NextCheckAt is { } next)
            {
                await ClockChecks.Schedule(bus, id, next);
            }
        }
        else
        {
            await ClockChecks.RearmIfMoved(bus, id, before?.Clocks() ?? IncidentClocks.None, after!.Clocks(), escalation, now);
        }

        return after!;
    }
}
