using Incidents.Domain.Incidents;

namespace Incidents.Domain.Drills;

/// <summary>The catalogue of drill refusals, each with a stable code.</summary>
public static class DrillErrors
{
    public static DomainError NotFound(Guid id) =>
        new("drill.not-found", "Drill not found", $"No drill with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError AlreadyScheduled(Guid id) =>
        new("drill.already-exists", "Drill already exists", $"A drill with id {id} already exists.");

    public static DomainError StartTooFar(DateTimeOffset start, DateTimeOffset now, TimeSpan horizon) =>
        new("drill.start-too-far", "Planned start is too far ahead",
            $"The planned start {start:O} is more than {horizon.TotalDays:0} days after now ({now:O}); plan drills within that horizon.",
            DomainErrorKind.Unprocessable);

    public static DomainError StartInPast(DateTimeOffset start, DateTimeOffset now) =>
        new("drill.start-in-past", "Planned start is in the past",
            $"The planned start {start:O} is not after now ({now:O}); a drill is planned ahead. Start it by hand instead.",
            DomainErrorKind.Unprocessable);

    public static DomainError UnknownSystem(string system) =>
        new("drill.unknown-system", "Unknown system",
            $"'{system}' is not a system drills may run on (configuration Drills:Systems).", DomainErrorKind.Unprocessable);

    public static DomainError Overlaps(DrillWindow window, DrillWindow other) =>
        new("drill.overlaps", "Overlapping drill",
            $"Drill {other.DrillId} already runs on '{other.AffectedSystem}' from {other.Start:O} to {other.End:O}; "
            + $"this one would run from {window.Start:O} to {window.End:O}.", DomainErrorKind.Unprocessable);

    public static DomainError NotScheduled(Guid id, DrillStatus status, string step) => status switch
    {
        DrillStatus.Started => new("drill.already-started", "Drill already started", $"Drill {id} has already started and cannot be {step}."),
        DrillStatus.Completed => new("drill.completed", "Drill is completed", $"Drill {id} is completed and cannot be {step}."),
        _ => new("drill.cancelled", "Drill is cancelled", $"Drill {id} was cancelled and cannot be {step}."),
    };

    public static DomainError StartUnchanged(Guid id) =>
        new("drill.start-unchanged", "Planned start unchanged", $"Drill {id} is already planned to start then.");

    public static DomainError StartMoved(Guid id, DateTimeOffset planned) =>
        new("drill.start-moved", "Planned start moved", $"Drill {id} is now planned to start at {planned:O}.");

    public static DomainError NotStarted(Guid id) =>
        new("drill.not-started", "Drill not started", $"Drill {id} has not started yet; start it or cancel it.");

    public static DomainError Finished(Guid id, DrillStatus status) => status == DrillStatus.Completed
        ? new("drill.completed", "Drill is completed", $"Drill {id} is already completed.")
        : new("drill.cancelled", "Drill is cancelled", $"Drill {id} was cancelled.");

    public static DomainError UnknownObjective(string objective) =>
        new("drill.unknown-objective", "Unknown objective",
            $"'{objective}' is not one of the drill's objectives.", DomainErrorKind.Unprocessable);

    public static DomainError TooManyInjects(int count) =>
        new("drill.too-many-injects", "Too many injects",
            $"A drill may have at most {DrillInjects.MaxCount} injects; this plan has {count}.", DomainErrorKind.Unprocessable);

    public static DomainError InjectOutsideWindow(int index, TimeSpan offset, TimeSpan duration) =>
        new("drill.inject-outside-window", "Inject outside the drill",
            $"injects[{index}].offset {System.Xml.XmlConvert.ToString(offset)} must be after the start and within the drill's "
            + $"expected duration ({System.Xml.XmlConvert.ToString(duration)}).", DomainErrorKind.Unprocessable);

    public static DomainError InjectDoesNothing(int index) =>
        new("drill.inject-empty", "Inject does nothing",
            $"injects[{index}] neither reclassifies the incident (reclassifyTo) nor says anything (comment).", DomainErrorKind.Unprocessable);

    public static DomainError InjectClassUnchanged(int index, IncidentClass incidentClass) =>
        new("drill.inject-class-unchanged", "Inject does not change the class",
            $"injects[{index}].reclassifyTo: the scenario's incident is already of class '{incidentClass}' at that point.",
            DomainErrorKind.Unprocessable);

    public static DomainError UnknownInject(Guid id, int index) =>
        new("drill.unknown-inject", "Unknown inject", $"Drill {id} has no inject {index}.", DomainErrorKind.NotFound);

    public static DomainError OtherIncident(Guid id, Guid incidentId) =>
        new("drill.other-incident", "Inject for another incident", $"Drill {id} does not run incident {incidentId}.");

    public static DomainError InjectRecorded(Guid id, int index) =>
        new("drill.inject-recorded", "Inject already recorded", $"Inject {index} of drill {id} has already fallen due.");
}
