using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain.Maintenance;
using Incidents.Projections.Maintenance;
using Marten;

namespace Incidents.Api.Maintenance;

/// <summary>A maintenance window as the API shows it; <see cref="Links"/> names where to read and decide it.</summary>
public sealed record MaintenanceWindowResource(
    Guid Id,
    long Version,
    string Title,
    string Reason,
    IReadOnlyList<string> Systems,
    DateTimeOffset Starts,
    DateTimeOffset Ends,
    TimeSpan LeadTime,
    MaintenanceWindowStatus Status,
    Domain.Actor AnnouncedBy,
    DateTimeOffset AnnouncedAt,
    Domain.Actor? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionComment,
    MaintenanceWindowLinks Links)
{
    public static MaintenanceWindowResource From(MaintenanceWindowDetails d) => new(d.Id, d.Version, d.Title, d.Reason, d.Systems, d.Starts,
        d.Ends, d.LeadTime, d.Status, d.AnnouncedBy, d.AnnouncedAt, d.DecidedBy, d.DecidedAt, d.DecisionComment,
        new MaintenanceWindowLinks($"/api/v1/maintenance-windows/{d.Id}", $"/api/v1/maintenance-windows/{d.Id}/approve",
            $"/api/v1/maintenance-windows/{d.Id}/refuse"));
}

public sealed record MaintenanceWindowLinks(string Self, string Approve, string Refuse);

/// <summary>
/// The one way events reach a maintenance window's stream: at the expected version, each linked into the hash chain from
/// the window's document (which holds the head), the document as the events make it computed by the projection's own
/// function. The caller saves.
/// </summary>
public static class MaintenanceStream
{
    public static MaintenanceWindowDetails Stage(IDocumentSession session, Guid id, MaintenanceWindowDetails? before, IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            return before ?? throw new ArgumentException("A new window needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<MaintenanceWindow>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = MaintenanceWindowDetailsProjection.Project(after, e.Data, version, previous)
                ?? throw new InvalidOperationException($"Stream {id} is not a maintenance window.");
        }

        return after!;
    }

    /// <summary>The windows not refused on any of these systems that end after <paramref name="from"/> (the candidates for an overlap).</summary>
    public static async Task<IReadOnlyList<MaintenanceWindow>> OthersAsync(IQuerySession session, IReadOnlyList<string> systems,
        DateTimeOffset from, CancellationToken ct)
    {
        var rows = await session.Query<MaintenanceWindowDetails>()
            .Where(w => w.Status != MaintenanceWindowStatus.Refused && w.Ends > from)
            .ToListAsync(ct);
        return rows.Where(w => w.Systems.Intersect(systems, StringComparer.Ordinal).Any()).Select(w => w.State).OfType<MaintenanceWindow>().ToList();
    }

    public static IResult Answer(HttpContext http, MaintenanceWindowDetails details, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = MaintenanceWindowResource.From(details);
        return created ? TypedResults.Created(resource.Links.Self, resource) : TypedResults.Ok(resource);
    }
}
