namespace Incidents.Domain.Reports;

/// <summary>The catalogue of report refusals, each with a stable code.</summary>
public static class ReportErrors
{
    public static DomainError NotFound(Guid id) =>
        new("report.not-found", "Report not found", $"No report with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError AlreadyOpen(Guid incidentId, ReportKind kind) =>
        new("report.already-exists", "Report already exists", $"Incident {incidentId} already has its {Name(kind)} report.");

    public static DomainError NotEditable(Guid id, ReportStatus status) =>
        new("report.not-editable", "Report cannot be changed now",
            $"Report {id} is {Name(status)}; only a draft or a returned report can be changed or submitted.");

    public static DomainError MissingSections(Guid id, IReadOnlyList<string> missing) =>
        new("report.sections-missing", "Required sections are empty",
            $"Report {id} cannot be submitted before these sections are completed: {string.Join(", ", missing)}.",
            DomainErrorKind.Unprocessable);

    public static DomainError ActionOwnerMissing() =>
        new("report.action-owner-missing", "Action without an owner", "Every corrective or preventive action needs an owner.",
            DomainErrorKind.Unprocessable);

    public static DomainError ActionDueMissing() =>
        new("report.action-due-missing", "Action without a due date", "Every corrective or preventive action needs a due date.",
            DomainErrorKind.Unprocessable);

    public static DomainError UnknownAction(Guid id, int number) =>
        new("report.action-not-found", "Action not found", $"Report {id} has no action {number}.", DomainErrorKind.NotFound);

    public static DomainError ActionAlreadyDone(Guid id, int number) =>
        new("report.action-already-done", "Action already done", $"Action {number} of report {id} is already done.");

    public static DomainError NotSubmitted(Guid id, ReportStatus status) =>
        new("review.not-submitted", "Nothing to review",
            $"Report {id} is {Name(status)}; the purchaser reviews a submitted report.");

    public static DomainError AlreadyConfirmed(string what) =>
        new("review.already-confirmed", "Already confirmed", $"{what} is already confirmed; a confirmation is final.");

    public static DomainError CommentRequired() =>
        new("review.comment-required", "A comment is required", "Say why the document is returned.", DomainErrorKind.Unprocessable);

    public static DomainError NotSecurityReport(Guid id) =>
        new("report.not-security", "Not a security event", $"Report {id} is an outage report; containment and notices belong to security events.");

    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
