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

    /// <summary>A stream that no longer extends the head the last anchor recorded for it.</summary>
    public static IntegrityFinding BrokenAnchor(BrokenLink link) =>
        new(FindingKinds.BrokenAnchor, link.IncidentId, link.Version, link.EventType, link.Reason, link.ExpectedHash, link.StoredHash, null);

    /// <summary>The anchor log itself does not verify (a line changed, removed or inserted): the store is judged by its last sound checkpoint.</summary>
    public static IntegrityFinding BrokenAnchorLog(string problem) =>
        new(FindingKinds.BrokenAnchorLog, Guid.Empty, null, null, $"The anchor log does not verify: {problem}.", null, null, null);

    /// <summary>Whether this finding is a sign of tampering (the answer is then not ok).</summary>
    public bool IsTampering => Kind is FindingKinds.BrokenChain or FindingKinds.BrokenAnchor or FindingKinds.BrokenAnchorLog;

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

    /// <summary>
    /// A stream whose chain no longer extends the head anchored for it (<see cref="ChainAnchors"/>): history rewritten (even
    /// with links that verify), events removed, or the stream deleted with its head. Makes the answer not ok.
    /// </summary>
    public const string BrokenAnchor = "broken-anchor";

    /// <summary>The anchor log outside the database does not verify. Makes the answer not ok.</summary>
    public const string BrokenAnchorLog = "broken-anchor-log";
}

/// <summary>The checkpoint a verification compared the chains with (<see cref="ChainAnchors"/>).</summary>
public sealed record AnchorSummary(long Sequence, DateTimeOffset TakenAt, int Streams)
{
    public static AnchorSummary? Of(AnchorCheckpoint? checkpoint) =>
        checkpoint is null ? null : new AnchorSummary(checkpoint.Sequence, checkpoint.TakenAt, checkpoint.Heads.Count);
}

/// <summary>
/// The outcome of a verification: how much was checked, every finding (in stream id order) and the first broken link,
/// if any. <see cref="Ok"/> is false when a chain is broken; empty streams are reported but are not tampering.
/// </summary>
public sealed record IntegrityReport(bool Ok, int Streams, long Events, BrokenLink? FirstBroken, IReadOnlyList<IntegrityFinding> Findings,
    string? Next)
{
    /// <summary>The last checkpoint of the anchor log the chains were compared with; null when none has been taken.</summary>
    public AnchorSummary? Anchor { get; init; }
}

/// <summary>Recomputes the chain from the events as PostgreSQL holds them and compares it link by link.</summary>
public static class ChainVerifier
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 5000;

    /// <summary>
    /// One incident, against the last anchor (<paramref name="anchors"/>, if any); null when it has no events (of this system)
    /// and was never anchored. A stream the anchor knows and the store no longer holds is reported, not unknown.
    /// </summary>
    public static async Task<IntegrityReport?> VerifyStreamAsync(IQuerySession session, Guid id, AnchorReading? anchors, CancellationToken ct)
    {
        // The head first: it only moves forward, in the same transaction as the events, so events read after it are at
        // least as new. A writer appending meanwhile cannot make a sound chain look broken.
        var head = (await LoadHeadsAsync(session, [id], ct)).GetValueOrDefault(id);
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        var anchored = anchors?.Latest?.HeadOf(id);
        if (events.All(IsTombstone) && anchored is null)
        {
            return null;
        }

        var findings = new List<IntegrityFinding>();
        if (anchors?.Problem is { } logProblem)
        {
            findings.Add(IntegrityFinding.BrokenAnchorLog(logProblem));
        }

        var broken = events.All(IsTombstone) ? null : Verify(id, events, head);
        if (broken is not null)
        {
            findings.Add(IntegrityFinding.BrokenChain(broken));
        }
        else if (anchored is not null && AgainstAnchor(id, events, anchored, anchors!.Latest!) is { } rewritten)
        {
            broken = rewritten;
            findings.Add(IntegrityFinding.BrokenAnchor(rewritten));
        }

        return new IntegrityReport(findings.All(f => !f.IsTampering), 1, events.Count, broken, findings, null)
        {
            Anchor = AnchorSummary.Of(anchors?.Latest),
        };
    }

    /// <summary>
    /// A page of the whole store: up to <paramref name="limit"/> streams in id order after <paramref name="after"/>.
    /// Checks every stream of the page, whatever it finds; <see cref="IntegrityReport.Next"/> is the id to continue after,
    /// when there is more.
    /// </summary>
    public static async Task<IntegrityReport> VerifyPageAsync(IQuerySession session, Guid? after, int limit, AnchorReading? anchors,
        CancellationToken ct)
    {
        var rows = (await session.AdvancedSql.QueryAsync<string>(
            "select json_build_object('id', id, 'version', version, 'type', type, 'created', created)::text "
            + $"from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id > ? order by id limit ?",
            ct, after ?? Guid.Empty, limit + 1)).Select(row => JsonSerializer.Deserialize<StreamRow>(row, RowJson)!).ToList();
        var page = rows.Take(limit).ToList();
        var anchor = anchors?.Latest;
        var findings = new List<IntegrityFinding>();
        if (after is null && anchors?.Problem is { } logProblem)
        {
            findings.Add(IntegrityFinding.BrokenAnchorLog(logProblem));
        }

        // Streams the anchor recorded in this page's range of ids that the store no longer has: deleted with their heads.
        var last = rows.Count > limit ? page[^1].Id.ToString() : null;
        var present = page.Select(r => r.Id).ToHashSet();
        var gone = (anchor?.Heads ?? []).Where(h => string.CompareOrdinal(h.Id.ToString(), (after ?? Guid.Empty).ToString()) > 0
                && (last is null || string.CompareOrdinal(h.Id.ToString(), last) <= 0) && !present.Contains(h.Id))
            .Select(h => new BrokenLink(h.Id, h.Version, null,
                $"The stream is gone: checkpoint {anchor!.Sequence} of {anchor.TakenAt:O} anchored it at version {h.Version}, and the store "
                + "holds no such stream (deleted with its chain head, or the store was rolled back).", h.Hash, null))
            .ToList();
        if (page.Count == 0)
        {
            findings.AddRange(gone.Select(IntegrityFinding.BrokenAnchor));
            return new IntegrityReport(findings.All(f => !f.IsTampering), 0, 0, gone.FirstOrDefault(), findings, null)
            {
                Anchor = AnchorSummary.Of(anchor),
            };
        }

        var ids = page.Select(r => r.Id).ToArray();
        var heads = await LoadHeadsAsync(session, ids, ct);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => ids.Contains(e.StreamId))
            .OrderBy(e => e.StreamId).ThenBy(e => e.Version)
            .ToListAsync(ct);
        var byStream = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)g.ToList());

        var count = 0L;
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
            else if (anchor?.HeadOf(row.Id) is { } anchored && AgainstAnchor(row.Id, stream, anchored, anchor) is { } rewritten)
            {
                firstBroken ??= rewritten;
                findings.Add(IntegrityFinding.BrokenAnchor(rewritten));
            }
        }

        foreach (var deleted in gone)
        {
            firstBroken ??= deleted;
            findings.Add(IntegrityFinding.BrokenAnchor(deleted));
        }

        return new IntegrityReport(findings.All(f => !f.IsTampering), page.Count, count, firstBroken, findings, last)
        {
            Anchor = AnchorSummary.Of(anchor),
        };
    }

    /// <summary>
    /// Whether a stream whose chain holds still extends the head anchored for it: it must still have the anchored version, and
    /// its link there must be the anchored one. Null when it does.
    /// </summary>
    public static BrokenLink? AgainstAnchor(Guid id, IReadOnlyList<IEvent> events, AnchoredHead anchored, AnchorCheckpoint checkpoint)
    {
        var at = $"checkpoint {checkpoint.Sequence} of {checkpoint.TakenAt:O}";
        var live = events.Where(e => !IsTombstone(e)).ToList();
        if (live.Count < anchored.Version)
        {
            return new BrokenLink(id, live.Count + 1, null,
                $"Events after version {live.Count} are missing: {at} anchored this stream at version {anchored.Version}.", anchored.Hash, null);
        }

        var e = live[(int)anchored.Version - 1];
        var stored = EventChain.StoredHash(e);
        return string.Equals(stored, anchored.Hash, StringComparison.Ordinal) ? null
            : new BrokenLink(id, anchored.Version, EventChain.TypeName(e),
                $"History rewritten since {at}: the link of version {anchored.Version} is not the one anchored then, though the chain "
                + "verifies (recomputed with the chain key).", anchored.Hash, stored);
    }

    /// <summary>
    /// The chain head of every stream that has one, in stream id order (PostgreSQL's uuid order): what a checkpoint anchors.
    /// Read a page of streams at a time, each head from where it is kept (<see cref="LoadHeadsAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<AnchoredHead>> AllHeadsAsync(IQuerySession session, CancellationToken ct)
    {
        var heads = new List<AnchoredHead>();
        var after = Guid.Empty;
        while (true)
        {
            var ids = (await session.AdvancedSql.QueryAsync<Guid>(
                $"select id from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id > ? order by id limit ?",
                ct, after, MaxPageSize)).ToArray();
            if (ids.Length == 0)
            {
                return heads;
            }

            var found = await LoadHeadsAsync(session, ids, ct);
            heads.AddRange(ids.Where(found.ContainsKey).Select(id => found[id]).Where(h => h.Version > 0)
                .Select(h => new AnchoredHead(h.Id, h.Version, h.Hash)));
            after = ids[^1];
        }
    }

    /// <summary>
    /// The chain heads of these streams, by stream id: the one place that knows where a head is kept. A stream with its own
    /// document (incident, drill, outage/security report, maintenance window, alert integration, person, roster) keeps it
    /// there (the version and hash of its last event); any other stream in its <see cref="IncidentChainHead"/>. A stream
    /// without a head is missing from the answer.
    /// </summary>
    internal static async Task<IReadOnlyDictionary<Guid, IncidentChainHead>> LoadHeadsAsync(IQuerySession session, Guid[] ids,
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
