using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Reports;

/// <summary>Which report: the outage report (宕机报告) or the security event analysis report (安全事件分析报告).</summary>
public enum ReportKind
{
    Outage,
    Security,
}

/// <summary>draft → submitted → accepted, or returned to the author (who edits and submits again).</summary>
public enum ReportStatus
{
    Draft,
    Submitted,
    Returned,
    Accepted,
}

/// <summary>
/// The national four-level grading of network security events (《国家网络安全事件应急预案》, 2017, section 1.4):
/// 特别重大 (level I), 重大 (II), 较大 (III), 一般 (IV).
/// </summary>
public enum SecurityGrade
{
    ParticularlyMajor,
    Major,
    Larger,
    General,
}

/// <summary>Corrective (fix what broke) or preventive (stop it happening again).</summary>
public enum ReportActionKind
{
    Corrective,
    Preventive,
}

/// <summary>Whom a security event must be notified to, each on its own clock.</summary>
public enum NoticeRecipient
{
    Purchaser,
    Regulator,
}

/// <summary>One SLA stage of the incident, as the report records it: the target against when it actually stopped.</summary>
public sealed record ReportStageFact(SlaStage Stage, TimeSpan? Target, DateTimeOffset? DueAt, DateTimeOffset? StoppedAt, bool? Met);

/// <summary>A responder of the incident and when they were dispatched and arrived.</summary>
public sealed record ReportResponder(string Id, string Name, string? Team, DateTimeOffset? DispatchedAt, DateTimeOffset? ArrivedAt);

/// <summary>
/// What the report is pre-filled with, from the incident's events at the moment the report was opened: the times of
/// each stage against their targets, the duration, the system, who responded and who was notified.
/// </summary>
public sealed record IncidentFacts(
    string Title,
    IncidentClass Class,
    string AffectedSystem,
    DateTimeOffset ReportedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? FirstArrivalAt,
    DateTimeOffset? RestoredAt,
    string? RestorationSummary,
    TimeSpan? Duration,
    IReadOnlyList<ReportStageFact> Stages,
    IReadOnlyList<ReportResponder> Responders,
    IReadOnlyList<string> Notified);

/// <summary>The impact section: how many users, hospitals and transactions were affected, and in words.</summary>
public sealed record ReportImpact(int? Users, int? Hospitals, long? Transactions, string? Description);

/// <summary>A corrective or preventive action: what, who owns it, by when, and whether it is done.</summary>
public sealed record ReportAction(int Number, ReportActionKind Kind, string Description, string Owner, DateOnly DueOn,
    DateTimeOffset? DoneAt = null, string? DoneNote = null);

/// <summary>A containment step taken on a security event, and when.</summary>
public sealed record ContainmentStep(string Description, DateTimeOffset TakenAt, Actor By);

/// <summary>A notification of a security event: to whom (purchaser, regulator), who exactly, when, how, the reference.</summary>
public sealed record NoticeRecord(NoticeRecipient Recipient, string Party, DateTimeOffset NotifiedAt, string Channel, string? Reference,
    Actor By);

/// <summary>By when a security event must be notified to a recipient (null: the grade has no deadline for it).</summary>
public sealed record NoticeDeadline(NoticeRecipient Recipient, DateTimeOffset DueAt, DateTimeOffset WarnAt);

/// <summary>A purchaser's decision on a document, with the comment (required when returning).</summary>
public sealed record ReviewDecision(bool Accepted, string? Comment, Actor By, DateTimeOffset At);
