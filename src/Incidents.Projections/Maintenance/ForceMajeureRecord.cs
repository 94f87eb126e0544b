using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Maintenance;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Maintenance;

/// <summary>
/// An incident's force-majeure claim and decision, one small row per claimed incident (id = the incident's id): what the
/// KPIs read to find the approved ones without looking at every incident document.
/// </summary>
public sealed class ForceMajeureRecord
{
    public Guid Id { get; set; }

    public ForceMajeureStatus Status { get; set; }

    public string Reason { get; set; } = "";

    public Actor ClaimedBy { get; set; } = Actor.System;

    public DateTimeOffset ClaimedAt { get; set; }

    public Actor? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionComment { get; set; }
}

/// <summary>Keeps <see cref="ForceMajeureRecord"/> from the force-majeure events of the incident streams (no other event touches it).</summary>
public sealed class ForceMajeureRecordProjection : SingleStreamProjection<ForceMajeureRecord, Guid>
{
    public ForceMajeureRecordProjection()
    {
        foreach (var type in ForceMajeureState.EventTypes)
        {
            IncludeType(type);
        }
    }

    public override ForceMajeureRecord? Evolve(ForceMajeureRecord? snapshot, Guid id, IEvent e)
    {
        switch (e.Data)
        {
            case ForceMajeureClaimed claimed:
                return new ForceMajeureRecord
                {
                    Id = claimed.IncidentId,
                    Status = ForceMajeureStatus.Claimed,
                    Reason = claimed.Reason,
                    ClaimedBy = claimed.By,
                    ClaimedAt = claimed.At,
                };
            case ForceMajeureApproved approved when snapshot is not null:
                (snapshot.Status, snapshot.DecidedBy, snapshot.DecidedAt, snapshot.DecisionComment) =
                    (ForceMajeureStatus.Approved, approved.By, approved.At, approved.Comment);
                return snapshot;
            case ForceMajeureRefused refused when snapshot is not null:
                (snapshot.Status, snapshot.DecidedBy, snapshot.DecidedAt, snapshot.DecisionComment) =
                    (ForceMajeureStatus.Refused, refused.By, refused.At, refused.Comment);
                return snapshot;
            default:
                return snapshot;
        }
    }
}

public static class MaintenanceProjectionsRegistration
{
    /// <summary>Registers the maintenance window stream, its document, and the force-majeure rows of incidents.</summary>
    public static Marten.StoreOptions AddMaintenanceProjections(this Marten.StoreOptions options)
    {
        options.Events.AddEventTypes(MaintenanceWindowEventTypes.All);
        options.Events.AddEventTypes(ForceMajeureState.EventTypes);
        options.Projections.Add(new MaintenanceWindowDetailsProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.Projections.Add(new ForceMajeureRecordProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.Schema.For<MaintenanceWindowDetails>().Duplicate(x => x.Status).Duplicate(x => x.Starts).Duplicate(x => x.Ends);
        options.Schema.For<ForceMajeureRecord>().Duplicate(x => x.Status);
        return options;
    }
}
