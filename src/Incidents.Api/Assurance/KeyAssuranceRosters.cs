using Incidents.Api.Duty.HandOffs;
using Incidents.Domain.Assurance;
using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.OnCall;
using Incidents.Projections.Duty;
using Marten;

namespace Incidents.Api.Assurance;

/// <summary>
/// What key-assurance periods need from the rosters: whether a roster exists (checked when a period is planned) and who was
/// on duty on it during a window, with the hand-offs (recorded in the period's summary).
/// </summary>
public interface IKeyAssuranceRosters
{
    /// <summary>True or false when the rosters know; null when they cannot say (then the id is kept as given).</summary>
    Task<bool?> ExistsAsync(Guid rosterId, CancellationToken ct);

    /// <summary>The shifts on <paramref name="rosterId"/> during the window and the hand-offs between them; null when unknown.</summary>
    Task<KeyAssuranceDuty?> OnDutyAsync(Guid rosterId, KeyAssuranceWindow window, CancellationToken ct);
}

/// <summary>
/// The rosters of the duty feature (docs/oncall.md): a roster exists when its stream does; the shifts of the window are the
/// roster's as it stands at completion (<see cref="OnDuty.Shifts"/>, the people named from the directory, gaps left out),
/// and the hand-offs are those recorded in the window, with what each incoming person was told and whether it reached them.
/// </summary>
public sealed class DutyKeyAssuranceRosters(IDocumentStore store) : IKeyAssuranceRosters
{
    public async Task<bool?> ExistsAsync(Guid rosterId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<RosterDetails>(rosterId, ct) is { State: not null };
    }

    public async Task<KeyAssuranceDuty?> OnDutyAsync(Guid rosterId, KeyAssuranceWindow window, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if ((await session.LoadAsync<RosterDetails>(rosterId, ct))?.State is not { } roster)
        {
            return null;
        }

        var shifts = OnDuty.For(roster, WorkingDayCalendar.Official).Shifts(window.Start, window.End);
        var ids = shifts.Select(s => s.PersonId).OfType<string>().Distinct().ToList();
        var names = (await session.Query<PersonDetails>().Where(p => ids.Contains(p.PersonId)).ToListAsync(ct))
            .ToDictionary(p => p.PersonId, p => p.Name);
        var recorded = await GetHandOffsEndpoint.InWindowAsync(session, rosterId, window.Start, window.End, ct);
        return new KeyAssuranceDuty(
            shifts.Where(s => s.PersonId is not null)
                .Select(s => new KeyAssuranceShift(s.PersonId!, names.GetValueOrDefault(s.PersonId!, s.PersonId!), s.From, s.To)).ToList(),
            Math.Max(0, shifts.Count - 1),
            recorded.Select(h => new KeyAssuranceHandOff(h.Id, h.At, h.From, h.To, h.Open.Incidents,
                !h.Notify ? null : h.Deliveries.Any(d => d.Outcome == "delivered") ? "delivered"
                    : h.Deliveries.Any(d => d.Outcome == "retrying") || h.Deliveries.Count == 0 ? "pending" : "failed")).ToList());
    }
}
