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
/// The tamper-evident chain over each stream's events. Each event's link is an HMAC-SHA-256, with a key the database does
/// not hold (<see cref="ChainKeyring"/>), over the previous link, the stream id, the version, the event type name and a
/// canonical JSON of the event data; it is stored as <c>keyId:hex</c> in the event's Marten headers
/// (<see cref="HashHeader"/>). A second MAC, the seal (<see cref="SealHeader"/>), binds the event's metadata — correlation
/// id, causation id, user — to its link. Changing, removing or reordering a stored event, or its metadata, breaks the
/// chain there, and without the key nobody can compute links that would cover the change.
/// </summary>
public static class EventChain
{
    public const string HashHeader = IncidentDetailsProjection.ChainHashHeader;

    /// <summary>The MAC over an event's link and its metadata (correlation id, causation id, user).</summary>
    public const string SealHeader = "chain-seal";

    /// <summary>The hash "before" the first event of a stream.</summary>
    public const string Genesis = "";

    /// <summary>The keys links are made and checked with; set once at start-up (<see cref="UseKeys"/>).</summary>
    public static ChainKeyring Keys { get; private set; } = ChainKeyring.Development;

    /// <summary>
    /// Whether links without a key id (plain SHA-256, as the first release wrote them) verify. Off by default: anyone who
    /// can write to the database can recompute them. <c>Integrity:AcceptUnkeyedLinks</c> turns it on for a store carried
    /// over from the first release.
    /// </summary>
    public static bool AcceptUnkeyed { get; private set; }

    public static void UseKeys(ChainKeyring keys, bool acceptUnkeyed)
    {
        Keys = keys;
        AcceptUnkeyed = acceptUnkeyed;
    }

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

    /// <summary>A new link, with the active key.</summary>
    public static string Compute(string previous, Guid streamId, long version, string eventType, object data) =>
        Compute(Keys, Keys.ActiveId, previous, streamId, version, eventType, data)!;

    /// <summary>The link made with the key of this id; null when the ring does not hold that key.</summary>
    public static string? Compute(ChainKeyring ring, string keyId, string previous, Guid streamId, long version, string eventType,
        object data)
    {
        if (!ring.TryGet(keyId, out var key))
        {
            return null;
        }

        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        mac.AppendData(Encoding.UTF8.GetBytes($"{previous}\n{streamId:D}\n{version}\n{eventType}\n"));
        mac.AppendData(JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Canonical));
        return $"{keyId}:{Convert.ToHexStringLower(mac.GetHashAndReset())}";
    }

    /// <summary>The first release's link: plain SHA-256, without a key. Only verified, never written.</summary>
    public static string ComputeUnkeyed(string previous, Guid streamId, long version, string eventType, object data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{previous}\n{streamId:D}\n{version}\n{eventType}\n"));
        sha.AppendData(JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Canonical));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The key id a link or seal names (<c>keyId:hex</c>); null for an unkeyed link.</summary>
    public static string? KeyIdOf(string value) => value.IndexOf(':') is > 0 and var colon ? value[..colon] : null;

    /// <summary>The seal of an event's metadata, made with the key of this id; null when the ring does not hold it.</summary>
    public static string? Seal(ChainKeyring ring, string keyId, string link, string? correlationId, string? causationId, string? user)
    {
        if (!ring.TryGet(keyId, out var key))
        {
            return null;
        }

        var text = $"{link}\n{correlationId}\n{causationId}\n{user}";
        return $"{keyId}:{Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)))}";
    }

    /// <summary>
    /// Links one event about to be appended at <paramref name="version"/> to the chain after <paramref name="previous"/>:
    /// computes its link, stores it in the event's header and returns it (the previous link of the next event). The seal
    /// of its metadata is added when the session saves (<see cref="EventChainListener"/>).
    /// </summary>
    public static string Link(IEvent e, Guid streamId, long version, string previous)
    {
        var hash = Compute(previous, streamId, version, TypeName(e), e.Data);
        e.SetHeader(HashHeader, hash);
        return hash;
    }

    /// <summary>
    /// Seals an event's metadata as the session will store it: the session's correlation id, causation id and user unless
    /// the event carries its own.
    /// </summary>
    public static void SealMetadata(IEvent e, IDocumentSession session)
    {
        e.CorrelationId ??= session.CorrelationId;
        e.CausationId ??= session.CausationId;
        e.UserName ??= session.LastModifiedBy;
        e.SetHeader(SealHeader, Seal(Keys, Keys.ActiveId, StoredHash(e) ?? "", e.CorrelationId, e.CausationId, e.UserName)!);
    }

    /// <summary>The type name that goes into the hash: the CLR type of the event data, stable across loads.</summary>
    public static string TypeName(IEvent e) => e.Data.GetType().Name;

    public static string? StoredHash(IEvent e) => HeaderOf(e, HashHeader);

    public static string? StoredSeal(IEvent e) => HeaderOf(e, SealHeader);

    private static string? HeaderOf(IEvent e, string name) =>
        e.Headers?.TryGetValue(name, out var value) == true ? value?.ToString() : null;
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
        if (others.Count > 0)
        {
            await LinkAsync(session, others, token);
        }

        foreach (var e in streams.SelectMany(s => s.Events))
        {
            EventChain.SealMetadata(e, session);
        }
    }

    private static async Task LinkAsync(IDocumentSession session, List<StreamAction> others, CancellationToken token)
    {
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
                // A missing or stale head is a break to report, never a reason to start the chain again at genesis.
                previous = heads.TryGetValue(stream.Id, out var head) && head.Version == start
                    ? head.Hash
                    : throw new InvalidOperationException(
                        $"The chain head of stream {stream.Id} is missing or not at version {start}; refusing to append to a chain that cannot be continued.");
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
