using Incidents.Domain.Kpis;
using Incidents.Domain.Maintenance;
using Incidents.Projections.Incidents;
using Incidents.Projections.Maintenance;
using Marten;

namespace Incidents.Api.Maintenance;

/// <summary>
/// The approved exclusions a KPI answer applies: maintenance windows approved by the purchaser that overlap the period, and
/// outages the purchaser accepted as force majeure. Read as they stand now (an approval given after a report was issued
/// changes the figures of a recomputation, and shows in its exclusions list).
/// </summary>
public static class KpiExclusionsData
{
    public static async Task<KpiExclusions> LoadAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var windows = await session.Query<MaintenanceWindowDetails>()
            .Where(w => w.Status == MaintenanceWindowStatus.Approved && w.Starts < to && w.Ends > from)
            .ToListAsync(ct);
        var claims = await session.Query<ForceMajeureRecord>()
            .Where(r => r.Status == ForceMajeureStatus.Approved)
            .ToListAsync(ct);
        var incidents = claims.Count == 0
            ? []
            : (await session.LoadManyAsync<IncidentDetails>(ct, claims.Select(c => c.Id).ToArray())).ToDictionary(i => i.Id);

        var all = windows.OrderBy(w => w.Starts).ThenBy(w => w.Id)
            .Select(w => KpiExclusion.Maintenance(w.Id, w.Title, w.Reason, w.Systems, w.Starts, w.Ends, w.DecidedBy?.Name ?? "", w.DecidedAt ?? w.AnnouncedAt))
            .Concat(claims.Where(c => incidents.ContainsKey(c.Id)).OrderBy(c => c.ClaimedAt).ThenBy(c => c.Id)
                .Select(c => KpiExclusion.ForceMajeure(c.Id, incidents[c.Id].Title, c.Reason, incidents[c.Id].AffectedSystem,
                    c.DecidedBy?.Name ?? "", c.DecidedAt ?? c.ClaimedAt)))
            .ToList();
        return all.Count == 0 ? KpiExclusions.None : new KpiExclusions(all);
    }
}
