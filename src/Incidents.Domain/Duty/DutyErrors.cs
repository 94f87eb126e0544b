namespace Incidents.Domain.Duty;

/// <summary>The catalogue of refusals for people and rosters, each with a stable code; the detail names the field.</summary>
public static class DutyErrors
{
    public static DomainError PersonNotFound(string id) =>
        new("person.not-found", "Person not found", $"No person with id '{id}' is in the directory.", DomainErrorKind.NotFound);

    public static DomainError PersonExists(string id) =>
        new("person.already-exists", "Person already exists", $"A person with id '{id}' is already in the directory; change them instead.");

    public static DomainError PersonInactive(string id, string step) =>
        new("person.deactivated", "Person is deactivated", $"Person '{id}' is deactivated and cannot be {step}.");

    public static DomainError PersonActive(string id) =>
        new("person.active", "Person is active", $"Person '{id}' is already active.");

    public static DomainError RosterNotFound(Guid id) =>
        new("roster.not-found", "Roster not found", $"No roster with id {id} exists.", DomainErrorKind.NotFound);

    /// <summary>A field whose content breaks a rule (422); <paramref name="field"/> is the request's JSON path.</summary>
    public static DomainError Invalid(string field, string detail) =>
        new("roster.invalid-field", "Invalid roster field", $"{field}: {detail}", DomainErrorKind.Unprocessable) { Field = field };

    public static DomainError UnknownMember(string field, string personId) =>
        new("roster.unknown-member", "Unknown or deactivated person",
            $"{field}: '{personId}' is not an active person of the directory.", DomainErrorKind.Unprocessable) { Field = field };

    public static DomainError ChangeInPast(string field, DateTimeOffset from, DateTimeOffset now) =>
        new("roster.change-in-past", "Change would rewrite the past",
            $"{field}: {from:O} is before now ({now:O}); a roster change takes effect now or later, never earlier.",
            DomainErrorKind.Unprocessable) { Field = field };

    public static DomainError CoverageGap(DateTimeOffset from, DateTimeOffset to) =>
        new("roster.coverage-gap", "7x24 roster would have a gap",
            $"layers: the roster is marked 7x24 but nobody would be on duty from {from:O} to {to:O}.", DomainErrorKind.Unprocessable)
        { Field = "layers" };

    public static DomainError OverrideNotFound(Guid roster, Guid overrideId) =>
        new("roster.override-not-found", "Override not found", $"Roster {roster} has no override {overrideId}.", DomainErrorKind.NotFound);

    public static DomainError OverrideStarted(Guid overrideId) =>
        new("roster.override-started", "Override already started",
            $"Override {overrideId} has already started; cancelling it would rewrite the past. Add another override instead.");
}
