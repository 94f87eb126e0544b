using Incidents.Domain.Incidents;

namespace Incidents.Domain.Drills;

/// <summary>
/// What an inject does to the synthetic incident when it falls due: the same incident decisions a user's
/// reclassification or comment would make, taken by the drill script.
/// </summary>
public static class DrillInjects
{
    public const int MaxCount = 20;

    /// <summary>Who acts when an inject is applied: the scenario's script, not a person.</summary>
    public static readonly Actor Script = new("drill-script", "Drill script");

    /// <summary>
    /// The incident events of inject <paramref name="index"/>, or the incident decider's refusal. A reclassification goes
    /// through <see cref="IncidentDecider"/> (refused on a resolved, closed or cancelled incident, or one already of that
    /// class); the comment follows it. The caller has nothing more to say about an incident that is no longer being
    /// worked, so a comment on one is refused with the same code as a step on it would be.
    /// </summary>
    public static Decision Decide(DrillInject inject, int index, Incident incident, Guid commentId, DateTimeOffset now)
    {
        var events = new List<object>();
        var state = incident;
        if (inject.ReclassifyTo is { } to)
        {
            var reclassified = IncidentDecider.Decide(new ReclassifyIncident(to, $"Drill inject {index + 1}: {inject.Description}", Script),
                state, now);
            if (reclassified.Error is { } refused)
            {
                return refused;
            }

            events.AddRange(reclassified.Events);
            state = reclassified.Events.Aggregate(state, (s, e) => Incident.Evolve(s, e)!);
        }

        if (!string.IsNullOrWhiteSpace(inject.Comment))
        {
            if (!state.IsActive)
            {
                return IncidentErrors.NotActive(state.Id, state.Status, "given a drill inject");
            }

            var commented = IncidentDecider.Decide(new CommentOnIncident(commentId, inject.Comment, Script), state, now);
            if (commented.Error is { } refused)
            {
                return refused;
            }

            events.AddRange(commented.Events);
        }

        return Decision.Accept([.. events]);
    }
}
