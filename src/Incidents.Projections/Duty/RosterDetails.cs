using Incidents.Domain;
using Incidents.Domain.Duty.Rosters;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Duty;

/// <summary>One roster: its write model (every change and override with when it was recorded), version and chain head.</summary>
public sealed class RosterDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string Name { get; set; } = "";

    public string? Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Actor CreatedBy { get; set; } = Actor.System;

    public DateTimeOffset LastChangedAt { get; set; }

    public Actor LastChangedBy { get; set; } = Actor.System;

    public Roster? State { get; set; }

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";
}

public sealed class RosterDetailsProjection : SingleStreamProjection<RosterDetails, Guid>
{
    public RosterDetailsProjection()
    {
        foreach (var type in RosterEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override RosterDetails? Evolve(RosterDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event and returns a new view (the given one is never changed).</summary>
    public static RosterDetails? Project(RosterDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var state = Roster.Evolve(snapshot?.State, data);
        if (state is null || data is not IRosterEvent e)
        {
            return snapshot;
        }

        return new RosterDetails
        {
            Id = state.Id,
            Version = version,
            Name = state.Name,
            Role = state.Role,
            CreatedAt = state.CreatedAt,
            CreatedBy = data is RosterCreated ? e.By : snapshot!.CreatedBy,
            LastChangedAt = e.At,
            LastChangedBy = e.By,
            State = state,
            ChainHash = chainHash ?? snapshot?.ChainHash ?? "",
        };
    }
}
