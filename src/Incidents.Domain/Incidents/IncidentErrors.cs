namespace Incidents.Domain.Incidents;

/// <summary>The catalogue of refusals, each with a stable code that clients may branch on.</summary>
public static class IncidentErrors
{
    public static DomainError NotFound(Guid id) =>
        new("incident.not-found", "Incident not found", $"No incident with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError InvalidOccurredAt(string problem) =>
        new("incident.invalid-occurred-at", "Invalid occurred-at", problem, DomainErrorKind.Unprocessable);

    public static DomainError AlreadyReported(Guid id) =>
        new("incident.already-exists", "Incident already exists", $"An incident with id {id} already exists.");

    public static DomainError AlreadyAcknowledged(Guid id) =>
        new("incident.already-acknowledged", "Incident already acknowledged", $"Incident {id} has already been acknowledged.");

    public static DomainError NotAcknowledged(Guid id, string step) =>
        new("incident.not-acknowledged", "Incident not acknowledged", $"Incident {id} must be acknowledged before it can be {step}.");

    public static DomainError NotActive(Guid id, IncidentStatus status, string step) => status switch
    {
        IncidentStatus.Closed => new("incident.closed", "Incident is closed", $"Incident {id} is closed and cannot be {step}; reopen it first."),
        IncidentStatus.Cancelled => new("incident.cancelled", "Incident is cancelled", $"Incident {id} was cancelled and cannot be {step}."),
        _ => new("incident.resolved", "Incident is resolved", $"Incident {id} is resolved and cannot be {step}; reopen it first."),
    };

    public static DomainError ClassUnchanged(Guid id, IncidentClass incidentClass) =>
        new("incident.class-unchanged", "Class unchanged", $"Incident {id} is already classified as {incidentClass}.");

    public static DomainError ResponderAlreadyAssigned(Guid id, string responderId) =>
        new("incident.responder-already-assigned", "Responder already assigned", $"Responder '{responderId}' is already assigned to incident {id}.");

    public static DomainError ResponderNotAssigned(Guid id, string responderId) =>
        new("incident.responder-not-assigned", "Responder not assigned", $"Responder '{responderId}' is not assigned to incident {id}; assign them first.");

    public static DomainError ResponderAlreadyDispatched(Guid id, string responderId) =>
        new("incident.responder-already-dispatched", "Responder already dispatched", $"Responder '{responderId}' is already on the way to or on site for incident {id}.");

    public static DomainError ResponderNotDispatched(Guid id, string responderId) =>
        new("incident.responder-not-dispatched", "Responder not dispatched", $"Responder '{responderId}' has not been dispatched to incident {id}.");

    public static DomainError ResponderAlreadyOnSite(Guid id, string responderId) =>
        new("incident.responder-already-on-site", "Responder already on site", $"Responder '{responderId}' is already on site for incident {id}.");

    public static DomainError AlreadyRestored(Guid id) =>
        new("incident.already-restored", "Service already restored", $"Service for incident {id} has already been restored.");

    public static DomainError ServiceNotRestored(Guid id, IncidentClass incidentClass) =>
        new("incident.service-not-restored", "Service not restored", $"Incident {id} is a {incidentClass}: record the service restoration before resolving it.");

    public static DomainError NotResolved(Guid id) =>
        new("incident.not-resolved", "Incident not resolved", $"Incident {id} must be resolved before it can be closed.");

    public static DomainError AlreadyClosed(Guid id) =>
        new("incident.already-closed", "Incident already closed", $"Incident {id} is already closed.");

    public static DomainError NotReopenable(Guid id, IncidentStatus status) =>
        new("incident.not-reopenable", "Incident cannot be reopened", $"Incident {id} is {status}; only resolved or closed incidents can be reopened.");

    public static DomainError DuplicateOfItself(Guid id) =>
        new("incident.duplicate-of-itself", "Incident cannot duplicate itself", $"Incident {id} cannot be cancelled as a duplicate of itself.", DomainErrorKind.Unprocessable);

    public static DomainError DuplicateOfMissing(Guid id) =>
        new("incident.duplicate-of-missing", "Original incident required", $"Cancelling incident {id} as a duplicate needs the id of the original incident.", DomainErrorKind.Unprocessable);
}
