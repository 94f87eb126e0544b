using Incidents.Domain;
using Incidents.Domain.Assurance;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Assurance;

/// <summary>The read model of one key-assurance period (plan, state, summary), kept inline with its events.</summary>
public sealed class KeyAssurancePeriodDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string Name { get; set; } = "";

    public KeyAssuranceKind Kind { get; set; }

    public KeyAssuranceStatus Status { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    public List<string> Systems { get; set; } = [];

    public string Plan { get; set; } = "";

    public Guid? RosterId { get; set; }

    public Actor PlannedBy { get; set; } = Actor.System;

    public DateTimeOffset PlannedAt { get; set; }

    public DateTimeOffset? ActivatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public KeyAssuranceSummary? Summary { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public Actor? CancelledBy { get; set; }

    public string? CancellationReason { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }

    /// <summary>The write model the deciders take.</summary>
    public KeyAssurancePeriod? State { get; set; }

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";

    public KeyAssurancePeriodDetails Copy()
    {
        var copy = (KeyAssurancePeriodDetails)MemberwiseClone();
        copy.Systems = [.. Systems];
        return copy;
    }
}

/// <summary>Builds <see cref="KeyAssurancePeriodDetails"/> from a period's stream.</summary>
public sealed class KeyAssurancePeriodDetailsProjection : SingleStreamProjection<KeyAssurancePeriodDetails, Guid>
{
    public KeyAssurancePeriodDetailsProjection()
    {
        foreach (var type in KeyAssuranceEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override KeyAssurancePeriodDetails? Evolve(KeyAssurancePeriodDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event at its version (with its chain hash) and returns the new view; the given view is never changed.</summary>
    public static KeyAssurancePeriodDetails? Project(KeyAssurancePeriodDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var view = (snapshot?.Copy(), data) switch
        {
            (_, KeyAssurancePeriodPlanned e) => new KeyAssurancePeriodDetails
            {
                Id = e.PeriodId,
                Name = e.Name,
                Kind = e.Kind,
                Status = KeyAssuranceStatus.Planned,
                Start = e.Start,
                End = e.End,
                Systems = [.. e.Systems],
                Plan = e.Plan,
                RosterId = e.RosterId,
                PlannedBy = e.By,
                PlannedAt = e.At,
            },
            (null, _) => null,
            (var s, KeyAssurancePeriodActivated e) => Change(s, v =>
            {
                v.Status = KeyAssuranceStatus.Active;
                v.ActivatedAt = e.At;
            }),
            (var s, KeyAssurancePeriodCompleted e) => Change(s, v =>
            {
                v.Status = KeyAssuranceStatus.Completed;
                v.CompletedAt = e.At;
                v.Summary = e.Summary;
            }),
            (var s, KeyAssurancePeriodCancelled e) => Change(s, v =>
            {
                v.Status = KeyAssuranceStatus.Cancelled;
                v.CancelledAt = e.At;
                v.CancelledBy = e.By;
                v.CancellationReason = e.Reason;
            }),
            (var s, _) => s,
        };

        if (view is not null)
        {
            view.Version = version;
            view.State = KeyAssurancePeriod.Evolve(view.State, data);
            if (chainHash is not null)
            {
                view.ChainHash = chainHash;
            }

            if (data is IKeyAssuranceEvent e)
            {
                view.LastChangedAt = e.At;
            }
        }

        return view;
    }

    private static KeyAssurancePeriodDetails Change(KeyAssurancePeriodDetails view, Action<KeyAssurancePeriodDetails> change)
    {
        change(view);
        return view;
    }
}
