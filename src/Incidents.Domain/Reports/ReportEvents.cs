using Incidents.Domain.Incidents;

namespace Incidents.Domain.Reports;

/// <summary>Every fact in a report's life says which report, who caused it and when.</summary>
public interface IReportEvent
{
    Guid ReportId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// A report was opened as a draft for the incident: automatically when an outage or major event was restored (outage
/// report), or when someone marked the incident a security event with its grade (security report). Due by
/// <see cref="DueAt"/> (end of the working day <see cref="DueOn"/>, in the service's time zone).
/// </summary>
public sealed record ReportOpened(
    Guid ReportId,
    ReportKind Kind,
    Guid IncidentId,
    IncidentFacts Facts,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    SecurityGrade? Grade,
    IReadOnlyList<NoticeDeadline> NoticesDue,
    Actor By,
    DateTimeOffset At) : IReportEvent;

/// <summary>The author recorded the sections they complete: impact, root cause and its category, the summary.</summary>
public sealed record ReportSectionsRecorded(
    Guid ReportId,
    ReportImpact Impact,
    string? RootCause,
    CauseCategory? CauseCategory,
    string? Summary,
    Actor By,
    DateTimeOffset At) : IReportEvent;

public sealed record ReportActionAdded(Guid ReportId, ReportAction Action, Actor By, DateTimeOffset At) : IReportEvent;

public sealed record ReportActionCompleted(Guid ReportId, int Number, string? Note, Actor By, DateTimeOffset At) : IReportEvent;

/// <summary>The author submitted the report to the purchaser; <see cref="Late"/> when after its due time.</summary>
public sealed record ReportSubmitted(Guid ReportId, bool Late, Actor By, DateTimeOffset At) : IReportEvent;

/// <summary>The purchaser returned the report to its author with a comment.</summary>
public sealed record ReportReturned(Guid ReportId, string Comment, Actor By, DateTimeOffset At) : IReportEvent;

/// <summary>The purchaser accepted (confirmed) the report.</summary>
public sealed record ReportAccepted(Guid ReportId, string? Comment, Actor By, DateTimeOffset At) : IReportEvent;

/// <summary>A containment step was taken on the security event.</summary>
public sealed record SecurityContainmentRecorded(Guid ReportId, string Description, DateTimeOffset TakenAt, Actor By, DateTimeOffset At)
    : IReportEvent;

/// <summary>The security event was notified to the purchaser or a regulator.</summary>
public sealed record SecurityNoticeRecorded(Guid ReportId, NoticeRecipient Recipient, string Party, DateTimeOffset NotifiedAt,
    string Channel, string? Reference, Actor By, DateTimeOffset At) : IReportEvent;

/// <summary>A notice deadline is close and the recipient has not been notified yet (recorded once per recipient).</summary>
public sealed record SecurityNoticeWarned(Guid ReportId, NoticeRecipient Recipient, DateTimeOffset DueAt, Actor By, DateTimeOffset At)
    : IReportEvent;

/// <summary>A notice deadline passed without the notice on record (recorded once per recipient).</summary>
public sealed record SecurityNoticeBreached(Guid ReportId, NoticeRecipient Recipient, DateTimeOffset DueAt, Actor By, DateTimeOffset At)
    : IReportEvent;

public static class ReportEventTypes
{
    public static readonly Type[] All =
    [
        typeof(ReportOpened), typeof(ReportSectionsRecorded), typeof(ReportActionAdded), typeof(ReportActionCompleted),
        typeof(ReportSubmitted), typeof(ReportReturned), typeof(ReportAccepted), typeof(SecurityContainmentRecorded),
        typeof(SecurityNoticeRecorded), typeof(SecurityNoticeWarned), typeof(SecurityNoticeBreached),
    ];
}
