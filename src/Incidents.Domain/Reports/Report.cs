using Incidents.Domain.Incidents;

namespace Incidents.Domain.Reports;

/// <summary>
/// The write model of one outage or security report, and everything a reader sees of it: rebuilt from the stream by
/// <see cref="Evolve"/>. Small (tens of events at most), so the document keeps it whole.
/// </summary>
public sealed record Report(
    Guid Id,
    ReportKind Kind,
    Guid IncidentId,
    ReportStatus Status,
    IncidentFacts Facts,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    SecurityGrade? Grade,
    IReadOnlyList<NoticeDeadline> NoticesDue,
    Actor OpenedBy,
    DateTimeOffset OpenedAt)
{
    public ReportImpact Impact { get; init; } = new(null, null, null, null);

    public string? RootCause { get; init; }

    public CauseCategory? CauseCategory { get; init; }

    public string? Summary { get; init; }

    public IReadOnlyList<ReportAction> Actions { get; init; } = [];

    public IReadOnlyList<ContainmentStep> Containment { get; init; } = [];

    public IReadOnlyList<NoticeRecord> Notices { get; init; } = [];

    /// <summary>Notice deadlines warned of / breached (recorded once per recipient).</summary>
    public IReadOnlyList<NoticeRecipient> NoticesWarned { get; init; } = [];

    public IReadOnlyList<NoticeRecipient> NoticesBreached { get; init; } = [];

    public DateTimeOffset? FirstSubmittedAt { get; init; }

    public DateTimeOffset? LastSubmittedAt { get; init; }

    public Actor? SubmittedBy { get; init; }

    public int Submissions { get; init; }

    /// <summary>Every purchaser decision, oldest first (returns and the acceptance).</summary>
    public IReadOnlyList<ReviewDecision> Reviews { get; init; } = [];

    public DateTimeOffset LastChangedAt { get; init; }

    /// <summary>Late: first submitted after the due time, or still not submitted when the due time has passed.</summary>
    public bool IsLate(DateTimeOffset now) => (FirstSubmittedAt ?? now) > DueAt;

    public static Report? Evolve(Report? state, object @event)
    {
        var next = (state, @event) switch
        {
            (_, ReportOpened e) => new Report(e.ReportId, e.Kind, e.IncidentId, ReportStatus.Draft, e.Facts, e.DueOn, e.DueAt, e.Grade,
                e.NoticesDue, e.By, e.At),
            (null, _) => null,
            (var s, ReportSectionsRecorded e) => s with
            {
                Impact = e.Impact, RootCause = e.RootCause, CauseCategory = e.CauseCategory, Summary = e.Summary,
            },
            (var s, ReportActionAdded e) => s with { Actions = [.. s.Actions, e.Action] },
            (var s, ReportActionCompleted e) => s with
            {
                Actions = s.Actions.Select(a => a.Number == e.Number ? a with { DoneAt = e.At, DoneNote = e.Note } : a).ToList(),
            },
            (var s, ReportSubmitted e) => s with
            {
                Status = ReportStatus.Submitted, FirstSubmittedAt = s.FirstSubmittedAt ?? e.At, LastSubmittedAt = e.At, SubmittedBy = e.By,
                Submissions = s.Submissions + 1,
            },
            (var s, ReportReturned e) => s with
            {
                Status = ReportStatus.Returned, Reviews = [.. s.Reviews, new ReviewDecision(false, e.Comment, e.By, e.At)],
            },
            (var s, ReportAccepted e) => s with
            {
                Status = ReportStatus.Accepted, Reviews = [.. s.Reviews, new ReviewDecision(true, e.Comment, e.By, e.At)],
            },
            (var s, SecurityContainmentRecorded e) => s with { Containment = [.. s.Containment, new ContainmentStep(e.Description, e.TakenAt, e.By)] },
            (var s, SecurityNoticeRecorded e) => s with
            {
                Notices = [.. s.Notices, new NoticeRecord(e.Recipient, e.Party, e.NotifiedAt, e.Channel, e.Reference, e.By)],
            },
            (var s, SecurityNoticeWarned e) => s with { NoticesWarned = [.. s.NoticesWarned, e.Recipient] },
            (var s, SecurityNoticeBreached e) => s with { NoticesBreached = [.. s.NoticesBreached, e.Recipient] },
            (var s, _) => s,
        };

        return next is not null && @event is IReportEvent changed ? next with { LastChangedAt = changed.At } : next;
    }

    public static Report? From(IEnumerable<object> events) => events.Aggregate((Report?)null, Evolve);
}

/// <summary>Where a recipient's notice stands against its deadline at an instant.</summary>
public enum NoticeStatus
{
    /// <summary>Not yet notified, deadline not close.</summary>
    Pending,

    /// <summary>Not yet notified and the warning time has passed.</summary>
    Warning,

    /// <summary>Not notified by the deadline.</summary>
    Breached,

    /// <summary>Notified by the deadline.</summary>
    Met,

    /// <summary>Notified, but after the deadline.</summary>
    MetLate,
}

public static class NoticeClock
{
    /// <summary>Where the notice to this recipient stands at <paramref name="now"/>.</summary>
    public static NoticeStatus Status(Report report, NoticeDeadline deadline, DateTimeOffset now)
    {
        var first = report.Notices.Where(n => n.Recipient == deadline.Recipient).Select(n => (DateTimeOffset?)n.NotifiedAt).Min();
        return first switch
        {
            { } at when at <= deadline.DueAt => NoticeStatus.Met,
            { } => NoticeStatus.MetLate,
            null when now > deadline.DueAt => NoticeStatus.Breached,
            null when now >= deadline.WarnAt => NoticeStatus.Warning,
            _ => NoticeStatus.Pending,
        };
    }

    /// <summary>
    /// The notices due at <paramref name="now"/> and not on record yet: a warning once the warning time passed, a breach
    /// once the deadline passed, each at most once per recipient. A timer calls this; stale or repeated timers add nothing.
    /// </summary>
    public static IReadOnlyList<object> Due(Report report, DateTimeOffset now)
    {
        var events = new List<object>();
        foreach (var deadline in report.NoticesDue)
        {
            var status = Status(report, deadline, now);
            if (status == NoticeStatus.Breached && !report.NoticesBreached.Contains(deadline.Recipient))
            {
                events.Add(new SecurityNoticeBreached(report.Id, deadline.Recipient, deadline.DueAt, Actor.System, now));
            }
            else if (status == NoticeStatus.Warning && !report.NoticesWarned.Contains(deadline.Recipient))
            {
                events.Add(new SecurityNoticeWarned(report.Id, deadline.Recipient, deadline.DueAt, Actor.System, now));
            }
        }

        return events;
    }
}
