using Incidents.Domain.Reports;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using JasperFx.Events.Projections;

namespace Incidents.Projections.Reports;

/// <summary>
/// The one document of an outage or security report: the report as written (<see cref="State"/>, which is also the write
/// model the decider takes), the stream version (the ETag) and the chain head, plus indexed columns for the lists.
/// </summary>
public sealed class ReportDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public ReportKind Kind { get; set; }

    public ReportStatus Status { get; set; }

    public Guid IncidentId { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public Report? State { get; set; }

    /// <summary>The chain hash of the last event: the next append links to it.</summary>
    public string ChainHash { get; set; } = "";
}

/// <summary>Builds <see cref="ReportDetails"/> from a report's stream.</summary>
public sealed class ReportDetailsProjection : SingleStreamProjection<ReportDetails, Guid>
{
    public ReportDetailsProjection()
    {
        foreach (var type in ReportEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override ReportDetails? Evolve(ReportDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>Applies one event at its version; the given document is never changed (writers compute their answer with it).</summary>
    public static ReportDetails? Project(ReportDetails? snapshot, object data, long version, string? chainHash = null)
    {
        if (Report.Evolve(snapshot?.State, data) is not { } state)
        {
            return null;
        }

        return new ReportDetails
        {
            Id = state.Id,
            Version = version,
            Kind = state.Kind,
            Status = state.Status,
            IncidentId = state.IncidentId,
            OpenedAt = state.OpenedAt,
            DueAt = state.DueAt,
            State = state,
            ChainHash = chainHash ?? snapshot?.ChainHash ?? "",
        };
    }
}

public static class ReportProjectionsRegistration
{
    /// <summary>Registers the report event types, the purchaser's review events and the inline report document.</summary>
    public static StoreOptions AddReportProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(ReportEventTypes.All);
        options.Events.AddEventTypes(ReviewEventTypes.All);
        options.Projections.Add(new ReportDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<ReportDetails>()
            .Duplicate(x => x.Kind)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.IncidentId)
            .Duplicate(x => x.OpenedAt);
        return options;
    }
}
