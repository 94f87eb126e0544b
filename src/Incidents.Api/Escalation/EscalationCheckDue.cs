using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Marten;
using Wolverine;

namespace Incidents.Api.Escalation;

/// <summary>
/// A hint that an incident's escalation may have a level due at <see cref="CheckAt"/>: a durable scheduled message (in
/// PostgreSQL, survives restarts). Scheduled for the next level when one is raised, and sent at once after an SLA breach
/// or a reclassification. The handler trusts the stream, not the hint: duplicated or stale checks raise nothing.
/// </summary>
public sealed record EscalationCheckDue(Guid IncidentId, DateTimeOffset CheckAt);

/// <summary>
/// Raises the levels that are due (<see cref="EscalationClock.Due"/>), appends them at the expected version, announces
/// each as <see cref="Contracts.IncidentEscalated"/> to the notification worker and schedules the next check, all in one
/// transaction. A concurrent writer makes the commit fail and the message retried (the ConcurrencyException policy).
/// </summary>
public static class EscalationCheckHandler
{
    public static async Task Handle(EscalationCheckDue check, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        EscalationPolicyProvider policy, CancellationToken cancellation)
    {
        var stored = await session.Events.FetchStreamAsync(check.IncidentId, token: cancellation);
        var history = stored.Select(e => e.Data).ToList();
        if (stored.Count == 0 || EscalationClock.From(history) is not { } state || Incident.From(history) is not { } incident)
        {
            return;
        }

        var due = EscalationClock.Due(state, policy.Current.For(state.Class), clock.GetUtcNow());
        if (due.Count == 0)
        {
            return;
        }

        var version = stored[^1].Version;
        session.Events.Append(check.IncidentId, version + due.Count, due.ToArray());
        await EscalationScheduling.Announce(bus, incident, version, due);
        await EscalationScheduling.ScheduleNextCheck(bus, state, due, policy.Current, clock.GetUtcNow());
        session.LastModifiedBy = Actor.System.Id;
        await session.SaveChangesAsync(cancellation);
    }
}

public static class EscalationScheduling
{
    /// <summary>The levels due when an incident opens (level 1), to be appended with its report.</summary>
    public static IReadOnlyList<EscalationLevelRaised> AtOpening(IReadOnlyList<object> reported, EscalationPolicy policy, DateTimeOffset now) =>
        EscalationClock.From(reported) is { } state ? EscalationClock.Due(state, policy.For(state.Class), now) : [];

    /// <summary>Publishes one <see cref="Contracts.IncidentEscalated"/> per raised level (versions follow <paramref name="version"/>).</summary>
    public static async Task Announce(IMessageBus bus, Incident incident, long version, IEnumerable<EscalationLevelRaised> raised)
    {
        foreach (var level in raised)
        {
            await bus.PublishAsync(IntegrationEvents.ForEscalation(level, incident, ++version));
        }
    }

    /// <summary>Schedules the check for the next level after these were raised, if the chain has one.</summary>
    public static async Task ScheduleNextCheck(IMessageBus bus, EscalationState before, IEnumerable<EscalationLevelRaised> raised,
        EscalationPolicy policy, DateTimeOffset now)
    {
        var after = raised.Aggregate(before, (s, e) => EscalationClock.Evolve(s, e)!);
        if (EscalationClock.NextCheckAt(after, policy.For(after.Class)) is { } next)
        {
            var at = next < now ? now : next;
            await bus.ScheduleAsync(new EscalationCheckDue(after.IncidentId, at), at);
        }
    }
}
