using Incidents.Domain;
using Incidents.Domain.Assurance;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Assurance;

/// <summary>The read model of one resource adjustment and its clock, kept inline with its events.</summary>
public sealed class ResourceAdjustmentDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public Guid PeriodId { get; set; }

    public string PeriodName { get; set; } = "";

    public string System { get; set; } = "";

    public string Description { get; set; } = "";

    public string? RequestedFor { get; set; }

    public ResourceAdjustmentStatus Status { get; set; }

    public Actor RequestedBy { get; set; } = Actor.System;

    public DateTimeOffset RequestedAt { get; set; }

    public TimeSpan Target { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public List<double> WarningsRaised { get; set; } = [];

    public DateTimeOffset? BreachedAt { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public Actor? DoneBy { get; set; }

    public string? DoneNote { get; set; }

    public bool? DoneInTime { get; set; }

    /// <summary>When the clock has something to say next (null: done or breached).</summary>
    public DateTimeOffset? NextDueAt { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }

    public ResourceAdjustment? State { get; set; }

    public string ChainHash { get; set; } = "";

    public ResourceAdjustmentDetails Copy()
    {
        var copy = (ResourceAdjustmentDetails)MemberwiseClone();
        copy.WarningsRaised = [.. WarningsRaised];
        return copy;
    }
}

/// <summary>Builds <see cref="ResourceAdjustmentDetails"/> from an adjustment's stream.</summary>
public sealed class ResourceAdjustmentDetailsProjection : SingleStreamProjection<ResourceAdjustmentDetails, Guid>
{
    public ResourceAdjustmentDetailsProjection()
    {
        foreach (var type in ResourceAdjustmentEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override ResourceAdjustmentDetails? Evolve(ResourceAdjustmentDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    public static ResourceAdjustmentDetails? Project(ResourceAdjustmentDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var view = (snapshot?.Copy(), data) switch
        {
            (_, ResourceAdjustmentRequested e) => new ResourceAdjustmentDetails
            {
                Id = e.AdjustmentId,
                PeriodId = e.PeriodId,
                PeriodName = e.PeriodName,
                System = e.System,
                Description = e.Description,
                RequestedFor = e.RequestedFor,
                Status = ResourceAdjustmentStatus.Requested,
                RequestedBy = e.By,
                RequestedAt = e.At,
                Target = e.Policy.Target,
                DueAt = e.DueAt,
            },
            (null, _) => null,
            (var s, ResourceAdjustmentWarningRaised e) => Change(s, v => v.WarningsRaised.Add(e.Threshold)),
            (var s, ResourceAdjustmentBreached e) => Change(s, v => v.BreachedAt = e.At),
            (var s, ResourceAdjustmentDone e) => Change(s, v =>
            {
                v.Status = ResourceAdjustmentStatus.Done;
                v.DoneAt = e.At;
                v.DoneBy = e.By;
                v.DoneNote = e.Note;
                v.DoneInTime = e.InTime;
            }),
            (var s, _) => s,
        };

        if (view is not null)
        {
            view.Version = version;
            view.State = ResourceAdjustment.Evolve(view.State, data);
            view.NextDueAt = view.State is { } state ? ResourceAdjustmentDecider.NextCheckAt(state) : null;
            if (chainHash is not null)
            {
                view.ChainHash = chainHash;
            }

            if (data is IResourceAdjustmentEvent e)
            {
                view.LastChangedAt = e.At;
            }
        }

        return view;
    }

    private static ResourceAdjustmentDetails Change(ResourceAdjustmentDetails view, Action<ResourceAdjustmentDetails> change)
    {
        change(view);
        return view;
    }
}
