using Incidents.Domain;
using Incidents.Domain.Intake;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Intake;

/// <summary>
/// The one document of an alert integration, inline with its stream: what the admin sees, the write model, the stream
/// version and the head of its hash chain (linked by the API's <c>AlertIntegrationStream</c>).
/// </summary>
public sealed class AlertIntegrationDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string ChainHash { get; set; } = "";

    public AlertIntegration? State { get; set; }

    public string Name { get; set; } = "";

    public IntegrationKind Kind { get; set; }

    public AlertMapping Mapping { get; set; } = AlertMapping.Default;

    public int KeyVersion { get; set; }

    public bool KeyRevoked { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Actor CreatedBy { get; set; } = Actor.System;

    public DateTimeOffset LastChangedAt { get; set; }
}

public sealed class AlertIntegrationDetailsProjection : SingleStreamProjection<AlertIntegrationDetails, Guid>
{
    public const string ChainHashHeader = Incidents.IncidentDetailsProjection.ChainHashHeader;

    /// <summary>
    /// Only the integrations' own events: <see cref="Evolve"/> takes any event, so without this filter Marten would load
    /// this document for every stream written (an incident's alerts: one round trip per intake batch, counted in
    /// docs/benchmarks.md) only to find nothing to apply.
    /// </summary>
    public AlertIntegrationDetailsProjection()
    {
        foreach (var type in global::Incidents.Domain.Intake.AlertIntegrationEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override AlertIntegrationDetails? Evolve(AlertIntegrationDetails? snapshot, Guid id, IEvent e) =>
        Apply(snapshot, e.Data, e.Version, e.Headers?.TryGetValue(ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event to a copy of the view (the loaded one stays as it was).</summary>
    public static AlertIntegrationDetails? Apply(AlertIntegrationDetails? snapshot, object data, long version, string? chainHash)
    {
        if (data is not IAlertIntegrationEvent e || (snapshot is null && data is not AlertIntegrationCreated))
        {
            return snapshot;
        }

        var view = snapshot is null ? new AlertIntegrationDetails { Id = e.IntegrationId } : (AlertIntegrationDetails)snapshotClone(snapshot);
        view.State = AlertIntegration.Evolve(view.State, data);
        if (data is AlertIntegrationCreated created)
        {
            view.CreatedAt = created.At;
            view.CreatedBy = created.By;
        }

        var state = view.State!;
        view.Name = state.Name;
        view.Kind = state.Kind;
        view.Mapping = state.Mapping;
        view.KeyVersion = state.KeyVersion;
        view.KeyRevoked = state.KeyHash is null;
        view.LastChangedAt = e.At;
        view.Version = version;
        if (chainHash is not null)
        {
            view.ChainHash = chainHash;
        }

        return view;

        static object snapshotClone(AlertIntegrationDetails d) => new AlertIntegrationDetails
        {
            Id = d.Id, Version = d.Version, ChainHash = d.ChainHash, State = d.State, Name = d.Name, Kind = d.Kind, Mapping = d.Mapping,
            KeyVersion = d.KeyVersion, KeyRevoked = d.KeyRevoked, CreatedAt = d.CreatedAt, CreatedBy = d.CreatedBy, LastChangedAt = d.LastChangedAt,
        };
    }
}
