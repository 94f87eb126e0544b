using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.People;
using Incidents.Projections.Duty;

namespace Incidents.Api.Duty.People;

/// <summary>Where a person is reached. Masked (as reporters' contacts are) for every caller but the hotline, the admin and the person.</summary>
public sealed record ContactsResource(string? Mobile, string? Email, string? WeCom, string? DingTalk, string? Feishu);

public sealed record PersonLinks(string Self, string Calendar);

/// <summary>A person of the directory as the API shows it; <c>version</c> is also the ETag.</summary>
public sealed record PersonResource(
    string Id,
    long Version,
    string Name,
    string Team,
    IReadOnlyList<string> Roles,
    ContactsResource Contacts,
    bool Active,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastChangedAt,
    DateTimeOffset? DeactivatedAt,
    string? DeactivationReason,
    PersonLinks Links)
{
    public static PersonResource From(PersonDetails p, HttpContext http)
    {
        var c = p.Contacts;
        var contacts = SeesContacts(http, p.PersonId)
            ? new ContactsResource(c.Mobile, c.Email, c.WeCom, c.DingTalk, c.Feishu)
            : new ContactsResource(IncidentAccess.MaskPhone(c.Mobile), IncidentAccess.MaskEmail(c.Email), Mask(c.WeCom), Mask(c.DingTalk), Mask(c.Feishu));
        var self = $"/api/v1/people/{Uri.EscapeDataString(p.PersonId)}";
        return new PersonResource(p.PersonId, p.Version, p.Name, p.Team, p.Roles, contacts, p.Active, p.RegisteredAt, p.LastChangedAt,
            p.DeactivatedAt, p.DeactivationReason, new PersonLinks(self, self + "/calendar.ics"));
    }

    /// <summary>The hotline calls people back, the admin keeps the directory, and everyone sees their own entry.</summary>
    public static bool SeesContacts(HttpContext http, string personId) =>
        IncidentAccess.SeesReporterContact(http) || http.User.IsInRole(Security.Roles.Admin) || RequestActor.From(http)?.Id == personId;

    /// <summary>A chat id keeps its first and last character.</summary>
    private static string? Mask(string? id) => string.IsNullOrEmpty(id) ? id : id.Length <= 2 ? "**" : $"{id[0]}***{id[^1]}";
}

/// <summary>What the admin sends for a person (registration adds <c>id</c>).</summary>
public sealed record ContactsRequest(string? Mobile, string? Email, string? WeCom, string? DingTalk, string? Feishu)
{
    public ContactChannels ToChannels() => new(Clean(Mobile), Clean(Email), Clean(WeCom), Clean(DingTalk), Clean(Feishu));

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed class ContactsValidator : AbstractValidator<ContactsRequest>
{
    public ContactsValidator()
    {
        RuleFor(x => x.Mobile).Matches(@"^\+?[0-9][0-9 -]{5,30}$").When(x => !string.IsNullOrWhiteSpace(x.Mobile))
            .WithMessage("'Mobile' must be a phone number (digits, spaces, dashes, an optional leading +).");
        RuleFor(x => x.Email).EmailAddress().MaximumLength(FieldLimits.Email).When(x => !string.IsNullOrWhiteSpace(x.Email));
        RuleFor(x => x.WeCom).MaximumLength(FieldLimits.Id);
        RuleFor(x => x.DingTalk).MaximumLength(FieldLimits.Id);
        RuleFor(x => x.Feishu).MaximumLength(FieldLimits.Id);
    }
}

/// <summary>A person's entry as the admin sends it (registration also gives <c>id</c>, the token's <c>sub</c>).</summary>
public sealed record PersonRequest(string? Id, string? Name, string? Team, List<string>? Roles, ContactsRequest? Contacts)
{
    public IReadOnlyList<string> CleanRoles() => (Roles ?? []).Select(r => r.Trim()).Distinct().ToList();
}

/// <summary>Registration: the entry and its id.</summary>
public sealed class RegisterPersonValidator() : PersonRequestValidator(registering: true);

/// <summary>A change: the entry (the id is the route's).</summary>
public sealed class ChangePersonValidator() : PersonRequestValidator(registering: false);

public abstract class PersonRequestValidator : AbstractValidator<PersonRequest>
{
    public const string RolePattern = "^[a-z][a-z0-9-]{1,49}$";

    protected PersonRequestValidator(bool registering)
    {
        if (registering)
        {
            RuleFor(x => x.Id).NotEmpty().MaximumLength(RequestActor.MaxLength)
                .Must(id => id is null || id.Trim() == id).WithMessage("'Id' is the token's sub, without surrounding spaces.");
        }

        RuleFor(x => x.Name).NotEmpty().MaximumLength(FieldLimits.PersonName);
        RuleFor(x => x.Team).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.Roles).NotEmpty().Must(r => r is null || r.Count <= 10)
            .WithMessage("'Roles' must name 1 to 10 contract roles (duty-engineer, project-manager, security-lead, purchaser-contact, ...).");
        RuleForEach(x => x.Roles).NotNull().Matches(RolePattern)
            .WithMessage("Each role is kebab-case, e.g. duty-engineer, project-manager, security-lead, purchaser-contact.");
        RuleFor(x => x.Contacts).SetValidator(new ContactsValidator()!).When(x => x.Contacts is not null);
    }
}
