using Incidents.Domain;
using Incidents.Domain.Duty.People;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Duty;

/// <summary>One person of the directory (kept inline with their stream; id = the stream id derived from their <c>sub</c>).</summary>
public sealed class PersonDetails
{
    public Guid Id { get; set; }

    /// <summary>The token's <c>sub</c>: the id the API and rosters use.</summary>
    public string PersonId { get; set; } = "";

    public long Version { get; set; }

    public string Name { get; set; } = "";

    public string Team { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public ContactChannels Contacts { get; set; } = ContactChannels.None;

    public bool Active { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }

    public Actor LastChangedBy { get; set; } = Actor.System;

    public DateTimeOffset? DeactivatedAt { get; set; }

    public string? DeactivationReason { get; set; }

    public Person? State { get; set; }

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";
}

public sealed class PersonDetailsProjection : SingleStreamProjection<PersonDetails, Guid>
{
    public PersonDetailsProjection()
    {
        foreach (var type in PersonEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override PersonDetails? Evolve(PersonDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, id, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event and returns a new view (the given one is never changed).</summary>
    public static PersonDetails? Project(PersonDetails? snapshot, Guid id, object data, long version, string? chainHash = null)
    {
        var state = Person.Evolve(snapshot?.State, data);
        if (state is null || data is not IPersonEvent e)
        {
            return snapshot;
        }

        var view = new PersonDetails
        {
            Id = id,
            PersonId = state.Id,
            Version = version,
            Name = state.Name,
            Team = state.Team,
            Roles = [.. state.Roles],
            Contacts = state.Contacts,
            Active = state.Active,
            RegisteredAt = data is PersonRegistered ? e.At : snapshot!.RegisteredAt,
            LastChangedAt = e.At,
            LastChangedBy = e.By,
            DeactivatedAt = data switch { PersonDeactivated d => d.At, PersonReactivated => null, _ => snapshot?.DeactivatedAt },
            DeactivationReason = data switch { PersonDeactivated d => d.Reason, PersonReactivated => null, _ => snapshot?.DeactivationReason },
            State = state,
            ChainHash = chainHash ?? snapshot?.ChainHash ?? "",
        };
        return view;
    }
}
