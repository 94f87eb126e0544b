using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.OnCall;
using Incidents.Projections.Duty;
using Marten;

namespace Incidents.Api.Duty.OnCall;

/// <summary>Who is on duty, as the API says it: the person by id and name, and why.</summary>
public sealed record OnDutyResource(
    string? PersonId,
    string? PersonName,
    DutyReason Reason,
    string? Layer,
    int? Precedence,
    Guid? OverrideId,
    DateTimeOffset? ShiftStart,
    DateTimeOffset? ShiftEnd);

public sealed record ShiftResource(DateTimeOffset From, DateTimeOffset To, string? PersonId, string? PersonName, DutyReason Reason, string? Layer,
    Guid? OverrideId);

/// <summary>Reads the rosters and people the on-call answers need, and phrases the pure answers with people's names.</summary>
public sealed class OnCallData(IReadOnlyList<RosterDetails> rosters, IReadOnlyDictionary<string, PersonDetails> people)
{
    public IReadOnlyList<RosterDetails> Rosters => rosters;

    public static async Task<OnCallData> LoadAsync(IQuerySession session, Guid? rosterId, string? role, CancellationToken ct)
    {
        IQueryable<RosterDetails> query = session.Query<RosterDetails>();
        if (rosterId is { } id)
        {
            query = query.Where(r => r.Id == id);
        }

        if (role is not null)
        {
            query = query.Where(r => r.Role == role);
        }

        var rosters = await query.OrderBy(r => r.Name).ThenBy(r => r.Id).Take(500).ToListAsync(ct);
        var people = await session.Query<PersonDetails>().ToListAsync(ct);
        return new OnCallData(rosters.Where(r => r.State is not null).ToList(), people.ToDictionary(p => p.PersonId));
    }

    public IReadOnlyDictionary<string, PersonDetails> People => people;

    public static OnDuty Duty(RosterDetails roster, DateTimeOffset? knownAt = null) => OnDuty.For(roster.State!, WorkingDayCalendar.Official, knownAt);

    public string? NameOf(string? personId) => personId is not null && people.TryGetValue(personId, out var p) ? p.Name : null;

    public OnDutyResource Phrase(DutyAnswer a) =>
        new(a.PersonId, NameOf(a.PersonId), a.Reason, a.Layer, a.Precedence, a.OverrideId, a.ShiftStart, a.ShiftEnd);

    public ShiftResource Phrase(DutyShift s) => new(s.From, s.To, s.PersonId, NameOf(s.PersonId), s.Reason, s.Layer, s.OverrideId);
}
