using System.Text.Json.Serialization;
using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.People;
using Incidents.Domain.Duty.Rosters;

namespace Incidents.Domain.Duty.OnCall;

/// <summary>
/// A person paged by an escalation level: which target of the level found them (<c>role:duty-engineer</c>,
/// <c>roster:…</c>), why they were on duty (the roster, layer or override), and the channels they were paged on.
/// </summary>
public sealed record PagedPerson(
    string Target,
    string PersonId,
    string Name,
    DutyReason Reason,
    Guid? RosterId,
    string? RosterName,
    string? Layer,
    Guid? OverrideId,
    ContactChannels Contacts);

/// <summary>A target of a level that found nobody on duty at that instant, and why.</summary>
public sealed record DutyGap(string Target, string Why);

/// <summary>
/// What a level's targets came to: people on duty (<see cref="Paged"/>), keys left for the worker's configured directory
/// (<see cref="Recipients"/>, targets the people directory does not know), and the targets that found nobody.
/// </summary>
public sealed record LevelTargets(IReadOnlyList<string> Recipients, IReadOnlyList<PagedPerson> Paged, IReadOnlyList<DutyGap> Gaps)
{
    [JsonIgnore]
    public bool Nobody => Recipients.Count == 0 && Paged.Count == 0;
}

/// <summary>Turns an escalation level's targets (roles, rosters) into the people on duty at an instant.</summary>
public interface IDutyResolver
{
    LevelTargets Resolve(IReadOnlyList<string> targets, DateTimeOffset at);
}

/// <summary>
/// The people directory and the rosters at one moment, answering for escalation (docs/oncall.md, "Escalation"):
/// <list type="bullet">
/// <item><c>roster:{id}</c>: whoever that roster has on duty;</item>
/// <item><c>role:{role}</c> or a bare role (<c>duty-engineer</c>): whoever the rosters serving the role have on duty; with
/// no roster for the role, every active person holding it;</item>
/// <item>a bare key the directory knows neither as a role nor a roster stays a key of the worker's configured directory.</item>
/// </list>
/// A deactivated person on duty counts as nobody. Pure over the data it was built from.
/// </summary>
public sealed class DutyDirectory : IDutyResolver
{
    private readonly Dictionary<string, Person> people;
    private readonly Dictionary<Guid, OnDuty> rosters;
    private readonly ILookup<string, OnDuty> rostersByRole;
    private readonly HashSet<string> roles;

    public DutyDirectory(IEnumerable<Person> people, IEnumerable<Roster> rosters, WorkingDayCalendar calendar)
    {
        this.people = people.ToDictionary(p => p.Id, StringComparer.Ordinal);
        this.rosters = rosters.ToDictionary(r => r.Id, r => OnDuty.For(r, calendar));
        rostersByRole = this.rosters.Values.Where(r => r.Roster.Role is not null)
            .OrderBy(r => r.Roster.Name, StringComparer.Ordinal).ThenBy(r => r.Roster.Id)
            .ToLookup(r => r.Roster.Role!, StringComparer.OrdinalIgnoreCase);
        roles = new HashSet<string>(this.people.Values.Where(p => p.Active).SelectMany(p => p.Roles), StringComparer.OrdinalIgnoreCase);
        roles.UnionWith(rostersByRole.Select(g => g.Key));
    }

    public bool IsEmpty => people.Count == 0 && rosters.Count == 0;

    public LevelTargets Resolve(IReadOnlyList<string> targets, DateTimeOffset at)
    {
        var recipients = new List<string>();
        var paged = new List<PagedPerson>();
        var gaps = new List<DutyGap>();
        foreach (var target in targets)
        {
            if (target.StartsWith("roster:", StringComparison.OrdinalIgnoreCase))
            {
                if (!Guid.TryParse(target["roster:".Length..], out var id) || !rosters.TryGetValue(id, out var roster))
                {
                    gaps.Add(new DutyGap(target, "no such roster"));
                    continue;
                }

                FromRosters(target, [roster], at, paged, gaps);
            }
            else
            {
                var explicitRole = target.StartsWith("role:", StringComparison.OrdinalIgnoreCase);
                var role = explicitRole ? target["role:".Length..] : target;
                if (!explicitRole && !roles.Contains(role))
                {
                    recipients.Add(target);
                }
                else if (rostersByRole[role].ToList() is { Count: > 0 } serving)
                {
                    FromRosters(target, serving, at, paged, gaps);
                }
                else
                {
                    var holders = people.Values.Where(p => p.Active && p.Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
                        .OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
                    if (holders.Count == 0)
                    {
                        gaps.Add(new DutyGap(target, $"nobody holds the role {role}"));
                    }

                    paged.AddRange(holders.Select(p => new PagedPerson(target, p.Id, p.Name, DutyReason.Directory, null, null, null, null, p.Contacts)));
                }
            }
        }

        // One page per person per level, even when two targets found them.
        var distinct = paged.GroupBy(p => p.PersonId).Select(g => g.First()).ToList();
        return new LevelTargets(recipients, distinct, gaps);
    }

    /// <summary>Who the rosters have on duty at <paramref name="at"/>: one person per roster, or a gap for a roster with nobody.</summary>
    private void FromRosters(string target, IReadOnlyList<OnDuty> serving, DateTimeOffset at, List<PagedPerson> paged, List<DutyGap> gaps)
    {
        var found = false;
        foreach (var duty in serving)
        {
            var answer = duty.At(at);
            if (answer.PersonId is null)
            {
                continue;
            }

            if (!people.TryGetValue(answer.PersonId, out var person) || !person.Active)
            {
                gaps.Add(new DutyGap(target, $"{answer.PersonId} is on duty in roster {duty.Roster.Name} but deactivated"));
                continue;
            }

            found = true;
            paged.Add(new PagedPerson(target, person.Id, person.Name, answer.Reason, duty.Roster.Id, duty.Roster.Name, answer.Layer,
                answer.OverrideId, person.Contacts));
        }

        if (!found && !gaps.Any(g => g.Target == target))
        {
            gaps.Add(new DutyGap(target, $"nobody on duty in {string.Join(", ", serving.Select(s => s.Roster.Name))}"));
        }
    }
}
