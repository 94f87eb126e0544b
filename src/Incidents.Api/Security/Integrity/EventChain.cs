using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using Marten;

namespace Incidents.Api.Security.Integrity;

/// <summary>
/// The last link of a stream's chain, kept in the same transaction as its events so that truncation shows. An incident's
/// head lives in its own document (<see cref="IncidentDetails.ChainHash"/> at <see cref="IncidentDetails.Version"/>); this
/// document holds the heads of the other streams (drills, monthly reports).
/// </summary>
public sealed class IncidentChainHead
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string Hash { get; set; } = "";
}

/// <summary>
/// The tamper-evident chain over each incident's events. Each event's hash is SHA-256 over the previous event's hash,
/// the stream id, the version, the event type name and a canonical JSON of the event data; it is stored in the event's
/// Marten headers (<see cref="HashHeader"/>). Changing, removing or reordering a stored event breaks the chain there.
/// </summary>
public static class EventChain
{
    public const string HashHeader = IncidentDetailsProjection.ChainHashHeader;

    /// <summary>The hash "before" the first event of a stream.</summary>
    public const string Genesis = "";

    /// <summary>
    /// Fixed serializer settings, independent of Marten's and the API's, so that an event loaded back gives the same
    /// bytes as the event appended. Changing them changes every hash: don't.
    /// </summary>
    private static readonly JsonSerializerOptions Canonical = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.Default,
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Compute(string previous, Guid streamId, long version, string eventType, object data)
    {
        var prefix = Encoding.UTF8.GetBytes($"{previous}\n{streamId:D}\n{version}\n{eventType}\n");
        var body = JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Canonical);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Links one event about to be appended at <paramref name="version"/> to the chain after <paramref name="previous"/>:
    /// computes its hash, stores it in the event's header and returns it (the previous hash of the next event).
    /// </summary>
    public static string Link(IEvent e, Guid streamId, long version, string previous)
    {
        var hash = Compute(previous, streamId, version, TypeName(e), e.Data);
        e.SetHeader(HashHeader, hash);
        return hash;
    }

    /// <summary>The type name that goes into the hash: the CLR type of the event data, stable across loads.</summary>
    public static string TypeName(IEvent e) => e.Data.GetType().Name;

    public static string? StoredHash(IEvent e) => e.Headers?.TryGetValue(HashHeader, out var value) == true ? value?.ToString() : null;
}

/// <summary>
/// Chains every event any session appends, in the moment before it is saved: one place that sees every append, in the
/// same transaction as the events. Incidents' and drills' events arrive already linked by <see cref="Incidents.IncidentStream"/>
/// and <see cref="Drills.DrillStream"/> (which hold the stream's document and so its chain head); an incident append
/// without links is refused, since linking it here would need a second read. Other streams (monthly reports) are linked
/// here from their <see cref="IncidentChainHead"/> document, which this listener keeps.
/// </summary>
public sealed class EventChainListener : DocumentSessionListenerBase
{
    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var streams = session.PendingChanges.Streams().Where(s => s.Events.Count > 0).ToList();
        foreach (var incident in streams.Where(s => IsIncident(s) && !IsLinked(s)))
        {
            throw new InvalidOperationException($"Events appended to incident {incident.Id} without their chain links: append through IncidentStream.");
        }

        // Streams whose writer linked the events itself (incidents, drills, reports) keep their head in their own document.
        var others = streams.Where(s => !IsLinked(s)).ToList();
        if (others.Count == 0)
        {
            return;
        }

        var appended = others.Where(s => s.ActionType == StreamActionType.Append).Select(s => s.Id).Distinct().ToArray();
        var heads = appended.Length == 0
            ? new Dictionary<Guid, IncidentChainHead>()
            : (await session.LoadManyAsync<IncidentChainHead>(token, appended)).ToDictionary(h => h.Id);

        foreach (var stream in others)
        {
            long start;
            string previous;
            if (stream.ActionType == StreamActionType.Start)
            {
                (start, previous) = (0, EventChain.Genesis);
            }
            else
            {
                // Every append in this system states the version it expects; without it the chain could fork silently.
                start = stream.ExpectedVersionOnServer
                    ?? throw new InvalidOperationException($"Events appended to stream {stream.Id} without an expected version cannot be chained.");
                previous = heads.TryGetValue(stream.Id, out var head) && head.Version == start ? head.Hash : EventChain.Genesis;
            }

            var version = start;
            foreach (var e in stream.Events)
            {
                previous = EventChain.Link(e, stream.Id, ++version, previous);
            }

            var next = new IncidentChainHead { Id = stream.Id, Version = version, Hash = previous };
            heads[stream.Id] = next;
            session.Store(next);
        }
    }

    private static bool IsIncident(StreamAction stream) => stream.Events[0].Data is IIncidentEvent;

    private static bool IsLinked(StreamAction stream) => stream.Events.All(e => EventChain.StoredHash(e) is not null);
}
