using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Reports;

namespace Incidents.Api.Reports;

public sealed record ReportLinks(string Self, string Incident, string Html, string Markdown);

/// <summary>A notice deadline of a security event and where it stands now.</summary>
public sealed record NoticeDeadlineResource(NoticeRecipient Recipient, DateTimeOffset DueAt, DateTimeOffset WarnAt, NoticeStatus Status);

/// <summary>
/// An outage or security report as the API shows it. <c>late</c>: first submitted after <c>dueAt</c>, or not submitted and
/// <c>dueAt</c> has passed. <c>version</c> is also sent as the ETag.
/// </summary>
public sealed record ReportResource(
    Guid Id,
    long Version,
    ReportKind Kind,
    ReportStatus Status,
    Guid IncidentId,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    bool Late,
    IReadOnlyList<string> MissingSections,
    IncidentFacts Facts,
    ReportImpact Impact,
    string? RootCause,
    CauseCategory? CauseCategory,
    string? Summary,
    IReadOnlyList<ReportAction> Actions,
    SecurityGrade? Grade,
    IReadOnlyList<ContainmentStep> Containment,
    IReadOnlyList<NoticeRecord> Notices,
    IReadOnlyList<NoticeDeadlineResource> NoticeDeadlines,
    Actor OpenedBy,
    DateTimeOffset OpenedAt,
    DateTimeOffset? FirstSubmittedAt,
    DateTimeOffset? LastSubmittedAt,
    int Submissions,
    IReadOnlyList<ReviewDecision> Reviews,
    DateTimeOffset LastChangedAt,
    ReportLinks Links)
{
    public static ReportResource From(Report r, long version, DateTimeOffset now) => new(
        r.Id, version, r.Kind, r.Status, r.IncidentId, r.DueOn, r.DueAt, r.IsLate(now), ReportDecider.MissingSections(r), r.Facts, r.Impact,
        r.RootCause, r.CauseCategory, r.Summary, r.Actions, r.Grade, r.Containment, r.Notices,
        r.NoticesDue.Select(d => new NoticeDeadlineResource(d.Recipient, d.DueAt, d.WarnAt, NoticeClock.Status(r, d, now))).ToList(),
        r.OpenedBy, r.OpenedAt, r.FirstSubmittedAt, r.LastSubmittedAt, r.Submissions, r.Reviews, r.LastChangedAt,
        new ReportLinks($"/api/v1/reports/{r.Id}", $"/api/v1/incidents/{r.IncidentId}", $"/api/v1/reports/{r.Id}.html",
            $"/api/v1/reports/{r.Id}.md"));
}
