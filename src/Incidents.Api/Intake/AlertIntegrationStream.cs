using Incidents.Api.Http;
using Incidents.Api.Security.Integrity;
using Incidents.Domain.Intake;
using Incidents.Projections.Intake;
using Marten;

namespace Incidents.Api.Intake;

/// <summary>
/// The one way events reach an alert integration's stream: at the expected version, each linked into the hash chain, the
/// document computed with the projection's own function. The caller saves.
/// </summary>
public static class AlertIntegrationStream
{
    public static AlertIntegrationDetails Stage(IDocumentSession session, Guid id, AlertIntegrationDetails? before, IReadOnlyList<object> events)
    {
        if (events.Count == 0)
        {
            return before ?? throw new ArgumentException("A new integration needs its first event.", nameof(events));
        }

        var version = before?.Version ?? 0;
        var action = before is null
            ? session.Events.StartStream<AlertIntegration>(id, events.ToArray())
            : session.Events.Append(id, version + events.Count, events.ToArray());
        var previous = before?.ChainHash ?? EventChain.Genesis;
        var after = before;
        foreach (var e in action.Events)
        {
            previous = EventChain.Link(e, id, ++version, previous);
            after = AlertIntegrationDetailsProjection.Apply(after, e.Data, version, previous);
        }

        return after!;
    }

    public static IResult Answer(HttpContext http, AlertIntegrationDetails details, string? key = null, bool created = false)
    {
        http.Response.Headers.ETag = ETags.For(details.Version);
        var resource = AlertIntegrationResource.From(details, key);
        return created ? TypedResults.Created(resource.Self, resource) : TypedResults.Ok(resource);
    }
}

/// <summary>An integration as the admin sees it. <c>key</c> appears once: in the answer that created or rotated it.</summary>
public sealed record AlertIntegrationResource(
    Guid Id,
    long Version,
    string Name,
    IntegrationKind Kind,
    AlertMapping Mapping,
    int KeyVersion,
    bool KeyRevoked,
    string? Key,
    string IntakeUrl,
    string Self,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastChangedAt)
{
    public static AlertIntegrationResource From(AlertIntegrationDetails d, string? key) => new(
        d.Id, d.Version, d.Name, d.Kind, d.Mapping, d.KeyVersion, d.KeyRevoked, key,
        d.Kind == IntegrationKind.Alertmanager ? $"/api/v1/intake/alertmanager/{d.Id}" : $"/api/v1/intake/events/{d.Id}",
        $"/api/v1/integrations/{d.Id}", d.CreatedAt, d.LastChangedAt);
}
