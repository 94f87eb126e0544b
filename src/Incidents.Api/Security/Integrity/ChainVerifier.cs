using JasperFx.Events;
using Marten;

namespace Incidents.Api.Security.Integrity;

/// <summary>Where an incident's chain first fails, and why.</summary>
public sealed record BrokenLink(Guid IncidentId, long Version, string? EventType, string Reason, string? ExpectedHash, string? StoredHash);

/// <summary>The outcome of a verification: how much was checked and the first broken link, if any.</summary>
public sealed record IntegrityReport(bool Ok, int Streams, long Events, BrokenLink? FirstBroken, string? Next);

/// <summary>Recomputes the chain from the events as PostgreSQL holds them and compares it link by link.</summary>
public static class ChainVerifier
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 5000;

    /// <summary>One incident; null when it has no events.</summary>
    public static async Task<IntegrityReport?> VerifyStreamAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        // The head first: it only moves forward, in the same transaction as the events, so events read after it are at
        // least as new. A writer appending meanwhile cannot make a sound chain look broken.
        var head = (await HeadsAsync(session, [id], ct)).GetValueOrDefault(id);
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0)
        {
            return null;
        }

        var broken = Verify(id, events, head);
        return new IntegrityReport(broken is null, 1, events.Count, broken, null);
    }

    /// <summary>
    /// A page of the whole store: up to <paramref name="limit"/> streams in id order after <paramref name="after"/>.
    /// Stops at the first broken link. <see cref="IntegrityReport.Next"/> is the id to continue after, when there is more.
    /// </summary>
    public static async Task<IntegrityReport> VerifyPageAsync(IQuerySession session, Guid? after, int limit, CancellationToken ct)
    {
        var ids = (await session.AdvancedSql.QueryAsync<Guid>(
            $"select id from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id > ? order by id limit ?",
            ct, after ?? Guid.Empty, limit + 1)).ToList();
        var page = ids.Take(limit).ToArray();
        if (page.Length == 0)
        {
            return new IntegrityReport(true, 0, 0, null, null);
        }

        var heads = await HeadsAsync(session, page, ct);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => page.Contains(e.StreamId))
            .OrderBy(e => e.StreamId).ThenBy(e => e.Version)
            .ToListAsync(ct);
        var byStream = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)g.ToList());

        var count = 0L;
        var streams = 0;
        foreach (var id in page)
        {
            var stream = byStream.GetValueOrDefault(id, []);
            streams++;
            count += stream.Count;
            if (Verify(id, stream, heads.GetValueOrDefault(id)) is { } broken)
            {
                return new IntegrityReport(false, streams, count, broken, null);
            }
        }

        return new IntegrityReport(true, streams, count, null, ids.Count > limit ? page[^1].ToString() : null);
    }

    /// <summary>
    /// The recorded heads of these streams: an incident's or a drill's from its document (the version and hash of its
    /// last event), any other stream's from its <see cref="IncidentChainHead"/>.
    /// </summary>
    private static async Task<Dictionary<Guid, IncidentChainHead>> HeadsAsync(IQuerySession session, Guid[] ids, CancellationToken ct)
    {
        var heads = (await session.LoadManyAsync<IncidentChainHead>(ct, ids)).ToDictionary(h => h.Id);
        // A document written before it carried the head (empty hash) leaves the head document of that time in charge.
        foreach (var incident in (await session.LoadManyAsync<global::Incidents.Projections.Incidents.IncidentDetails>(ct, ids)).Where(d => d.ChainHash.Length > 0))
        {
            heads[incident.Id] = new IncidentChainHead { Id = incident.Id, Version = incident.Version, Hash = incident.ChainHash };
        }

        foreach (var drill in (await session.LoadManyAsync<global::Incidents.Projections.Drills.DrillDetails>(ct, ids)).Where(d => d.ChainHash.Length > 0))
        {
            heads[drill.Id] = new IncidentChainHead { Id = drill.Id, Version = drill.Version, Hash = drill.ChainHash };
        }

        return heads;
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

            var expected = EventChain.Compute(previous, id, version, type, e.Data);
            var stored = EventChain.StoredHash(e);
            if (stored is null)
            {
                return new BrokenLink(id, version, type, "The event carries no chain hash.", expected, null);
            }

            if (!string.Equals(stored, expected, StringComparison.Ordinal))
            {
                return new BrokenLink(id, version, type,
                    "The event's data, type or position differs from what was hashed when it was appended, or its hash was changed.",
                    expected, stored);
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
