using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Sla;

/// <summary>
/// The SLA clock of one incident as stored facts (<see cref="SlaClockState"/>) plus the columns the hotline board
/// filters and orders by. Time-dependent answers (remaining, warning, breached) are computed at read time by the
/// domain's <see cref="SlaClock.Evaluate(SlaClockState, DateTimeOffset)"/>.
/// </summary>
public sealed class IncidentSlaView
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public SlaClockState? State { get; set; }

    public IncidentClass Class { get; set; }

    public string AffectedSystem { get; set; } = "";

    public bool IsDrill { get; set; }

    /// <summary>At least one stage is open (running or breached and not yet met).</summary>
    public bool HasOpenStage { get; set; }

    /// <summary>The earliest due time among open stages; the board orders by it.</summary>
    public DateTimeOffset? NextDueAt { get; set; }

    /// <summary>Where the incident's escalation chain stands (docs/escalation.md); checked with the SLA clock.</summary>
    public global::Incidents.Domain.Escalation.EscalationState? Escalation { get; set; }

    /// <summary>When the clock next had something to announce, as seen when the last event was stored.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }
}

public sealed class IncidentSlaViewProjection : SingleStreamProjection<IncidentSlaView, Guid>
{
    public override IncidentSlaView? Evolve(IncidentSlaView? snapshot, Guid id, IEvent e)
    {
        var state = SlaClock.Evolve(snapshot?.State, e.Data);
        if (state is null)
        {
            return snapshot;
        }

        var view = snapshot ?? new IncidentSlaView { Id = id };
        view.Version = e.Version;
        view.State = state;
        view.Escalation = global::Incidents.Domain.Escalation.EscalationClock.Evolve(view.Escalation, e.Data);
        view.Class = state.Class;
        view.AffectedSystem = state.AffectedSystem;
        view.IsDrill = state.IsDrill;
        var open = OpenDueTimes(state).ToList();
        view.HasOpenStage = open.Count > 0;
        view.NextDueAt = open.Count > 0 ? open.Min() : null;
        view.NextCheckAt = SlaClock.NextCheckAt(state, e.Timestamp);
        return view;
    }

    /// <summary>Due times of stages that apply, have not stopped, and whose incident is not cancelled.</summary>
    public static IEnumerable<DateTimeOffset> OpenDueTimes(SlaClockState state) =>
        state.CancelledAt is not null
            ? []
            : state.Stages
                .Where(f => f.StoppedAt is null)
                .Select(f => SlaClock.TargetOf(state, f))
                .OfType<TimeSpan>()
                .Select(target => state.StartedAt + target);
}
