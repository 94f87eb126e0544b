using System.Text.Json;
using JasperFx.Events;
using Marten;

namespace Incidents.Api.Security.Integrity;

/// <summary>Where an incident's chain first fails, and why.</summary>
public sealed record BrokenLink(Guid IncidentId, long Version, string? EventType, string Reason, string? ExpectedHash, string? StoredHash);

/// <summary>What the verification reports about one stream (<see cref="FindingKinds"/>).</summary>
public sealed record IntegrityFinding(string Kind, Guid StreamId, long? Version, string? EventType, string Reason, string? ExpectedHash,
    string? StoredHash, DateTimeOffset? Created)
{
    public static IntegrityFinding BrokenChain(BrokenLink link) =>
        new(FindingKinds.BrokenChain, link.IncidentId, link.Version, link.EventType, link.Reason, link.ExpectedHash, link.StoredHash, null);

    public static IntegrityFinding EmptyStream(Guid id, DateTimeOffset created, int tombstones) =>
        new(FindingKinds.EmptyStream, id, 0, null,
            "A stream with no events and no chain: not an incident, a drill or a report, and not a sign of tampering. Marten writes "
            + "one (its tombstone stream, a new id per process) when a save that appends events fails, e.g. a lost concurrent write."
            + (tombstones > 0 ? $" It holds {tombstones} tombstone(s): Marten's fillers for sequence numbers of the failed save." : ""),
            null, null, created);
}

public static class FindingKinds
{
    /// <summary>A chain that does not hold: an event changed, removed or added behind the API's back. Makes the answer not ok.</summary>
    public const string BrokenChain = "broken-chain";

    /// <summary>A stream without events of this system and without a chain (see <see cref="ChainVerifier.IsEmptyStream"/>).</summary>
    public const string EmptyStream = "empty-stream";
}

/// <summary>
/// The outcome of a verification: how much was checked, every finding (in stream id order) and the first broken link,
/// if any. <see cref="Ok"/> is false when a chain is broken; empty streams are reported but are not tampering.
/// </summary>
public sealed record IntegrityReport(bool Ok, int Streams, long Events, BrokenLink? FirstBroken, IReadOnlyList<IntegrityFinding> Findings,
    string? Next);

/// <summary>Recomputes the chain from the events as PostgreSQL holds them and compares it link by link.</summary>
public static class ChainVerifier
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 5000;

    /// <summary>One incident; null when it has no events (of this system).</summary>
    public static async Task<IntegrityReport?> VerifyStreamAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        // The head first: it only moves forward, in the same transaction as the events, so events read after it are at
        // least as new. A writer appending meanwhile cannot make a sound chain look broken.
        var head = (await LoadHeadsAsync(session, [id], ct)).GetValueOrDefault(id);
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.All(IsTombstone))
        {
            return null;
        }

        var broken = Verify(id, events, head);
        return new IntegrityReport(broken is null, 1, events.Count, broken, broken is null ? [] : [IntegrityFinding.BrokenChain(broken)], null);
    }

    /// <summary>
    /// A page of the whole store: up to <paramref name="limit"/> streams in id order after <paramref name="after"/>.
    /// Checks every stream of the page, whatever it finds; <see cref="IntegrityReport.Next"/> is the id to continue after,
    /// when there is more.
    /// </summary>
    public static async Task<IntegrityReport> VerifyPageAsync(IQuerySession session, Guid? after, int limit, CancellationToken ct)
    {
        var rows = (await session.AdvancedSql.QueryAsync<string>(
            "select json_build_object('id', id, 'version', version, 'type', type, 'created', created)::text "
            + $"from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id > ? order by id limit ?",
            ct, after ?? Guid.Empty, limit + 1)).Select(row => JsonSerializer.Deserialize<StreamRow>(row, RowJson)!).ToList();
        var page = rows.Take(limit).ToList();
        if (page.Count == 0)
        {
            return new IntegrityReport(true, 0, 0, null, [], null);
        }

        var ids = page.Select(r => r.Id).ToArray();
        var heads = await LoadHeadsAsync(session, ids, ct);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => ids.Contains(e.StreamId))
            .OrderBy(e => e.StreamId).ThenBy(e => e.Version)
            .ToListAsync(ct);
        var byStream = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)g.ToList());

        var count = 0L;
        var findings = new List<IntegrityFinding>();
        BrokenLink? firstBroken = null;
        foreach (var row in page)
        {
            var stream = byStream.GetValueOrDefault(row.Id, []);
            var head = heads.GetValueOrDefault(row.Id);
            if (IsEmptyStream(row, stream, head))
            {
                // Not tampering, and no reason to stop: the streams after it are checked as usual.
                findings.Add(IntegrityFinding.EmptyStream(row.Id, row.Created, stream.Count));
                continue;
            }

            count += stream.Count;
            if (Verify(row.Id, stream, head) is { } broken)
            {
                firstBroken ??= broken;
                findings.Add(IntegrityFinding.BrokenChain(broken));
            }
        }

        return new IntegrityReport(firstBroken is null, page.Count, count, firstBroken, findings,
            rows.Count > limit ? page[^1].Id.ToString() : null);
    }

    /// <summary>
    /// The chain heads of these streams, by stream id: the one place that knows where a head is kept. A stream with its own
    /// document (incident, drill, outage/security report, maintenance window, alert integration, person, roster) keeps it
    /// there (the version and hash of its last event); any other stream in its <see cref="IncidentChainHead"/>. A stream
    /// without a head is missing from the answer.
    /// </summary>
    private static async Task<IReadOnlyDictionary<Guid, IncidentChainHead>> LoadHeadsAsync(IQuerySession session, Guid[] ids,
        CancellationToken ct)
    {
        // One round trip for all kinds of head: the head documents, and only the head's three fields of each stream
        // document (not the documents). A document written before it carried the head (empty hash) leaves the head
        // document of that time in charge.
        var batch = session.CreateBatchQuery();
        var headDocuments = batch.LoadMany<IncidentChainHead>().ById(ids);
        var documents = new[]
        {
            batch.Query<global::Incidents.Projections.Incidents.IncidentDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Drills.DrillDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Reports.ReportDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Maintenance.MaintenanceWindowDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Intake.AlertIntegrationDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Duty.PersonDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
            batch.Query<global::Incidents.Projections.Duty.RosterDetails>().Where(d => ids.Contains(d.Id))
                .Select(d => new IncidentChainHead { Id = d.Id, Version = d.Version, Hash = d.ChainHash }).ToList(),
        };
        await batch.Execute(ct);

        var heads = (await headDocuments).ToDictionary(h => h.Id);
        foreach (var head in (await Task.WhenAll(documents)).SelectMany(h => h).Where(h => h.Hash.Length > 0))
        {
            heads[head.Id] = head;
        }

        return heads;
    }

    /// <summary>A stream's row in <c>mt_streams</c>, as far as verification needs it.</summary>
    internal sealed record StreamRow(Guid Id, long Version, string? Type, DateTimeOffset Created);

    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A stream that holds nothing of this system: version 0, no aggregate type, no chain head, and no events but Marten's
    /// tombstones. Marten's tombstone stream looks exactly like this: when a save that appends events fails (it lost a
    /// concurrent write, say), Marten inserts that stream's row — its id is random, one per process — and tombstones for
    /// any sequence numbers the failed save had drawn. Every stream this system writes has events and a chain head, so an
    /// incident whose events were removed is still judged by its head.
    /// </summary>
    internal static bool IsEmptyStream(StreamRow row, IReadOnlyList<IEvent> events, IncidentChainHead? head) =>
        row.Version == 0 && row.Type is null && head is null && events.All(IsTombstone);

    private static bool IsTombstone(IEvent e) => e.Data is Tombstone;

    /// <summary>What a stored link should be, and why it does not hold (null when it holds).</summary>
    private static (string? Expected, string? Problem) Expected(string stored, string previous, Guid id, long version, string type,
        object data)
    {
        if (EventChain.KeyIdOf(stored) is not { } keyId)
        {
            var unkeyed = EventChain.ComputeUnkeyed(previous, id, version, type, data);
            return !EventChain.AcceptUnkeyed
                ? (unkeyed, "The link is plain SHA-256 without a key, which anyone with database access can recompute; links are keyed "
                    + "since issue #14 (Integrity:AcceptUnkeyedLinks accepts a first-release store).")
                : string.Equals(stored, unkeyed, StringComparison.Ordinal) ? (unkeyed, null)
                : (unkeyed, "The event's data, type or position differs from what was hashed when it was appended, or its hash was changed.");
        }

        var expected = EventChain.Compute(EventChain.Keys, keyId, previous, id, version, type, data);
        return expected is null
            ? (null, $"The link names key '{keyId}', which this API does not hold: a forged link, or a key removed from Integrity:ChainKeys.")
            : string.Equals(stored, expected, StringComparison.Ordinal) ? (expected, null)
            : (expected, "The event's data, type or position differs from what was linked when it was appended, or its link was changed.");
    }

    /// <summary>Why the seal over the event's metadata does not hold; null when it does.</summary>
    private static string? SealProblem(IEvent e, string link)
    {
        var seal = EventChain.StoredSeal(e);
        if (seal is null || EventChain.KeyIdOf(seal) is not { } keyId)
        {
            return "The event's metadata (correlation id, causation id, user) carries no seal.";
        }

        var expected = EventChain.Seal(EventChain.Keys, keyId, link, e.CorrelationId, e.CausationId, e.UserName);
        return expected is null ? $"The metadata seal names key '{keyId}', which this API does not hold."
            : string.Equals(seal, expected, StringComparison.Ordinal) ? null
            : "The event's metadata (correlation id, causation id or user) differs from what was sealed when it was appended.";
    }

    /// <summary>The first link of one stream that does not hold, or null when the whole chain holds.</summary>
    public static BrokenLink? Verify(Guid id, IReadOnlyList<IEvent> events, IncidentChainHead? head)
    {
        var previous = EventChain.Genesis;
        var version = 0L;
        foreach (var e in events)
        {
            version++;
            var type = EventChain.TypeName(e);
            if (e.Version != version)
            {
                return new BrokenLink(id, version, null, $"Event version {version} is missing (found version {e.Version} next).", null, null);
            }

            var stored = EventChain.StoredHash(e);
            if (stored is null)
            {
                return new BrokenLink(id, version, type, "The event carries no chain hash.", null, null);
            }

            if (Expected(stored, previous, id, version, type, e.Data) is { Problem: { } problem } refused)
            {
                return new BrokenLink(id, version, type, problem, refused.Expected, stored);
            }

            if (EventChain.KeyIdOf(stored) is not null && SealProblem(e, stored) is { } sealProblem)
            {
                return new BrokenLink(id, version, type, sealProblem, null, EventChain.StoredSeal(e));
            }

            if (head is not null && head.Version == version && !string.Equals(head.Hash, stored, StringComparison.Ordinal))
            {
                return new BrokenLink(id, version, type, "The chain head recorded another hash for this version.", head.Hash, stored);
            }

            previous = stored;
        }

        if (head is null)
        {
            return new BrokenLink(id, version, null, "The chain head of this incident is missing.", previous, null);
        }

        // The head may be older than the events (read first, while a writer appended), never newer.
        return head.Version > version
            ? new BrokenLink(id, version + 1, null,
                $"Events after version {version} are missing: the chain head records version {head.Version}.", head.Hash, null)
            : null;
    }
}
