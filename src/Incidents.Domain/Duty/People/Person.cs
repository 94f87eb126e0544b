using System.Security.Cryptography;
using System.Text;

namespace Incidents.Domain.Duty.People;

/// <summary>
/// The roles a person holds under the service contract. Escalation levels and rosters name these (kebab-case on the
/// wire: <c>duty-engineer</c>), never a person.
/// </summary>
public static class ContractRoles
{
    public const string DutyEngineer = "duty-engineer";
    public const string ProjectManager = "project-manager";
    public const string SecurityLead = "security-lead";
    public const string PurchaserContact = "purchaser-contact";

    public static readonly IReadOnlyList<string> Known = [DutyEngineer, ProjectManager, SecurityLead, PurchaserContact,
        "network-engineer", "system-engineer", "database-engineer", "security-engineer", "hotline"];
}

/// <summary>Where a person can be reached: mobile (SMS), e-mail, and the ids of the chat tools the bureau uses.</summary>
public sealed record ContactChannels(string? Mobile, string? Email, string? WeCom, string? DingTalk, string? Feishu)
{
    public static readonly ContactChannels None = new(null, null, null, null, null);

    public bool IsEmpty => Mobile is null && Email is null && WeCom is null && DingTalk is null && Feishu is null;
}

/// <summary>Every fact about a person of the directory says who (<see cref="PersonId"/>, the token's <c>sub</c>) and when.</summary>
public interface IPersonEvent
{
    string PersonId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

public sealed record PersonRegistered(string PersonId, string Name, string Team, IReadOnlyList<string> Roles,
    ContactChannels Contacts, Actor By, DateTimeOffset At) : IPersonEvent;

/// <summary>Name, team, roles or contacts changed; the event holds the whole new entry, the stream keeps the old ones.</summary>
public sealed record PersonChanged(string PersonId, string Name, string Team, IReadOnlyList<string> Roles,
    ContactChannels Contacts, Actor By, DateTimeOffset At) : IPersonEvent;

/// <summary>The person left the service: no longer rostered or paged. Their history (and every past page) stays.</summary>
public sealed record PersonDeactivated(string PersonId, string? Reason, Actor By, DateTimeOffset At) : IPersonEvent;

public sealed record PersonReactivated(string PersonId, Actor By, DateTimeOffset At) : IPersonEvent;

public static class PersonEventTypes
{
    public static readonly Type[] All = [typeof(PersonRegistered), typeof(PersonChanged), typeof(PersonDeactivated), typeof(PersonReactivated)];
}

/// <summary>The write model of one directory entry.</summary>
public sealed record Person(string Id, string Name, string Team, IReadOnlyList<string> Roles, ContactChannels Contacts, bool Active)
{
    /// <summary>A person's stream id: derived from their <c>sub</c> (SHA-256, as a GUID), so the same person is one stream.</summary>
    public static Guid StreamId(string personId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("person:" + personId));
        return new Guid(hash.AsSpan(0, 16));
    }

    public static Person? Evolve(Person? state, object @event) => (state, @event) switch
    {
        (_, PersonRegistered e) => new Person(e.PersonId, e.Name, e.Team, e.Roles, e.Contacts, true),
        (null, _) => null,
        (var s, PersonChanged e) => s with { Name = e.Name, Team = e.Team, Roles = e.Roles, Contacts = e.Contacts },
        (var s, PersonDeactivated) => s with { Active = false },
        (var s, PersonReactivated) => s with { Active = true },
        (var s, _) => s,
    };
}

public sealed record RegisterPerson(string PersonId, string Name, string Team, IReadOnlyList<string> Roles, ContactChannels Contacts, Actor By);

public sealed record ChangePerson(string Name, string Team, IReadOnlyList<string> Roles, ContactChannels Contacts, Actor By);

public sealed record DeactivatePerson(string? Reason, Actor By);

public sealed record ReactivatePerson(Actor By);

/// <summary>The directory's rules: register once, change while active, deactivate (never delete), reactivate.</summary>
public static class PersonDecider
{
    public static Decision Decide(RegisterPerson c, Person? state, DateTimeOffset now) => state is not null
        ? DutyErrors.PersonExists(c.PersonId)
        : Decision.Accept(new PersonRegistered(c.PersonId, c.Name, c.Team, c.Roles, c.Contacts, c.By, now));

    public static Decision Decide(ChangePerson c, Person state, DateTimeOffset now)
    {
        if (!state.Active)
        {
            return DutyErrors.PersonInactive(state.Id, "changed");
        }

        return state.Name == c.Name && state.Team == c.Team && state.Roles.SequenceEqual(c.Roles) && state.Contacts == c.Contacts
            ? Decision.Accept()
            : Decision.Accept(new PersonChanged(state.Id, c.Name, c.Team, c.Roles, c.Contacts, c.By, now));
    }

    public static Decision Decide(DeactivatePerson c, Person state, DateTimeOffset now) => state.Active
        ? Decision.Accept(new PersonDeactivated(state.Id, c.Reason, c.By, now))
        : DutyErrors.PersonInactive(state.Id, "deactivated again");

    public static Decision Decide(ReactivatePerson c, Person state, DateTimeOffset now) => state.Active
        ? DutyErrors.PersonActive(state.Id)
        : Decision.Accept(new PersonReactivated(state.Id, c.By, now));
}
