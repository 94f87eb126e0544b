namespace Incidents.Domain.Assurance;

/// <summary>The catalogue of key-assurance refusals, each with a stable code; the detail starts with the field it is about.</summary>
public static class KeyAssuranceErrors
{
    public static DomainError NotFound(Guid id) =>
        new("assurance.not-found", "Key-assurance period not found", $"No key-assurance period with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError AlreadyPlanned(Guid id) =>
        new("assurance.already-exists", "Key-assurance period already exists", $"A key-assurance period with id {id} already exists.");

    public static DomainError WindowInverted(KeyAssuranceWindow window) =>
        new("assurance.window-inverted", "Window ends before it starts",
            $"end: {window.End:O} is not after start {window.Start:O}.", DomainErrorKind.Unprocessable);

    public static DomainError WindowTooLong(KeyAssuranceWindow window, TimeSpan max) =>
        new("assurance.window-too-long", "Window too long",
            $"end: the window from {window.Start:O} to {window.End:O} lasts {window.Length.TotalDays:0.##} days; a key-assurance "
            + $"period lasts at most {max.TotalDays:0} days.", DomainErrorKind.Unprocessable);

    public static DomainError WindowOver(KeyAssuranceWindow window, DateTimeOffset now) =>
        new("assurance.window-over", "Window already over",
            $"end: {window.End:O} is not after now ({now:O}); a period is planned before it ends.", DomainErrorKind.Unprocessable);

    public static DomainError UnknownSystem(int index, string system) =>
        new("assurance.unknown-system", "Unknown system",
            $"systems[{index}]: '{system}' is not a system key-assurance periods may name (configuration KeyAssurance:Systems).",
            DomainErrorKind.Unprocessable);

    public static DomainError NotPlanned(Guid id, KeyAssuranceStatus status, string step) =>
        new($"assurance.{Words(status)}", $"Key-assurance period is {Words(status)}",
            $"Key-assurance period {id} is {Words(status)} and cannot be {step}.");

    public static DomainError StartMoved(Guid id, DateTimeOffset start) =>
        new("assurance.start-moved", "Start moved", $"Key-assurance period {id} starts at {start:O}.");

    public static DomainError EndMoved(Guid id, DateTimeOffset end) =>
        new("assurance.end-moved", "End moved", $"Key-assurance period {id} ends at {end:O}.");

    public static DomainError Finished(Guid id, KeyAssuranceStatus status) =>
        new($"assurance.{Words(status)}", $"Key-assurance period is {Words(status)}", $"Key-assurance period {id} is already {Words(status)}.");

    public static DomainError NotActive(Guid id, KeyAssuranceStatus status, DateTimeOffset now) =>
        new("assurance.not-active", "Key-assurance period not active",
            $"periodId: key-assurance period {id} is {Words(status)}, not active at {now:O}; resource adjustments are raised during an active period.");

    public static DomainError SystemOutOfScope(Guid id, string system) =>
        new("resource-adjustment.system-out-of-scope", "System not in the period's scope",
            $"system: '{system}' is not one of the systems of key-assurance period {id}.", DomainErrorKind.Unprocessable);

    public static DomainError AdjustmentNotFound(Guid id) =>
        new("resource-adjustment.not-found", "Resource adjustment not found", $"No resource adjustment with id {id} exists.",
            DomainErrorKind.NotFound);

    public static DomainError AdjustmentAlreadyRequested(Guid id) =>
        new("resource-adjustment.already-exists", "Resource adjustment already exists", $"A resource adjustment with id {id} already exists.");

    public static DomainError AdjustmentDone(Guid id) =>
        new("resource-adjustment.done", "Resource adjustment already done", $"Resource adjustment {id} is already done.");

    private static string Words(KeyAssuranceStatus status) => status.ToString().ToLowerInvariant();
}
