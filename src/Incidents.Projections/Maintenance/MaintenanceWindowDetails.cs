using Incidents.Domain;
using Incidents.Domain.Maintenance;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Maintenance;

/// <summary>One planned maintenance window: what was announced, the purchaser's decision, the write model, version and chain head.</summary>
public sealed class MaintenanceWindowDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string Title { get; set; } = "";

    public string Reason { get; set; } = "";

    public List<string> Systems { get; set; } = [];

    public DateTimeOffset Starts { get; set; }

    public DateTimeOffset Ends { get; set; }

    public TimeSpan LeadTime { get; set; }

    public MaintenanceWindowStatus Status { get; set; }

    public Actor AnnouncedBy { get; set; } = Actor.System;

    public DateTimeOffset AnnouncedAt { get; set; }

    public Actor? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionComment { get; set; }

    /// <summary>The write model the maintenance decider takes.</summary>
    public MaintenanceWindow? State { get; set; }

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";

    public MaintenanceWindowDetails Copy()
    {
        var copy = (MaintenanceWindowDetails)MemberwiseClone();
        copy.Systems = [.. Systems];
        return copy;
    }
}

/// <summary>Builds <see cref="MaintenanceWindowDetails"/> from a window's stream.</summary>
public sealed class MaintenanceWindowDetailsProjection : SingleStreamProjection<MaintenanceWindowDetails, Guid>
{
    public MaintenanceWindowDetailsProjection()
    {
        foreach (var type in MaintenanceWindowEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override MaintenanceWindowDetails? Evolve(MaintenanceWindowDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event at its version (with its chain hash); the given view is never changed.</summary>
    public static MaintenanceWindowDetails? Project(MaintenanceWindowDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var view = (snapshot?.Copy(), data) switch
        {
            (_, MaintenanceWindowAnnounced e) => new MaintenanceWindowDetails
            {
                Id = e.WindowId,
                Title = e.Title,
                Reason = e.Reason,
                Systems = [.. e.Systems],
                Starts = e.Starts,
                Ends = e.Ends,
                LeadTime = e.LeadTime,
                Status = MaintenanceWindowStatus.Announced,
                AnnouncedBy = e.By,
                AnnouncedAt = e.At,
            },
            (null, _) => null,
            (var s, MaintenanceWindowApproved e) => Decided(s, MaintenanceWindowStatus.Approved, e.By, e.At, e.Comment),
            (var s, MaintenanceWindowRefused e) => Decided(s, MaintenanceWindowStatus.Refused, e.By, e.At, e.Comment),
            (var s, _) => s,
        };

        if (view is not null)
        {
            view.Version = version;
            view.State = MaintenanceWindow.Evolve(view.State, data);
            if (chainHash is not null)
            {
                view.ChainHash = chainHash;
            }
        }

        return view;
    }

    private static MaintenanceWindowDetails Decided(MaintenanceWindowDetails view, MaintenanceWindowStatus status, Actor by, DateTimeOffset at,
        string? comment)
    {
        view.Status = status;
        view.DecidedBy = by;
        view.DecidedAt = at;
        view.DecisionComment = comment;
        return view;
    }
}
