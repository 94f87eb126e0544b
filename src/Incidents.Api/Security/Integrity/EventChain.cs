using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten;

namespace Incidents.Api.Security.Integrity;

/// <summary>The last link of an incident's chain: kept in the same transaction as the events, so truncation shows.</summary>
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
    public const string HashHeader = "chain-hash";

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

    /// <summary>The type name that goes into the hash: the CLR type of the event data, stable across loads.</summary>
    public static string TypeName(IEvent e) => e.Data.GetType().Name;

    public static string? StoredHash(IEvent e) => e.Headers?.TryGetValue(HashHeader, out var value) == true ? value?.ToString() : null;
}

/// <summary>
/// Chains every event any session appends (the API's write path, the report path, the SLA handler) in the moment
/// before it is saved: one place for every append, in the same transaction as the events and the chain heads.
/// </summary>
public sealed class EventChainListener : DocumentSessionListenerBase
{
    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var streams = session.PendingChanges.Streams().Where(s => s.Events.Count > 0).ToList();
        if (streams.Count == 0)
        {
            return;
        }

        var appended = streams.Where(s => s.ActionType == StreamActionType.Append).Select(s => s.Id).Distinct().ToArray();
        var heads = appended.Length == 0
            ? new Dictionary<Guid, IncidentChainHead>()
            : (await session.LoadManyAsync<IncidentChainHead>(token, appended)).ToDictionary(h => h.Id);

        foreach (var stream in streams)
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
                version++;
                previous = EventChain.Compute(previous, stream.Id, version, EventChain.TypeName(e), e.Data);
                e.SetHeader(EventChain.HashHeader, previous);
            }

            var next = new IncidentChainHead { Id = stream.Id, Version = version, Hash = previous };
            heads[stream.Id] = next;
            session.Store(next);
        }
    }
}
