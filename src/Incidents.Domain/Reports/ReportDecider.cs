using Incidents.Domain.Calendar;
using Incidents.Domain.Incidents;

namespace Incidents.Domain.Reports;

public sealed record OpenReport(Guid ReportId, ReportKind Kind, Guid IncidentId, IncidentFacts Facts, SecurityGrade? Grade, Actor By);

public sealed record RecordSections(ReportImpact Impact, string? RootCause, CauseCategory? CauseCategory, string? Summary, Actor By);

public sealed record AddAction(ReportActionKind Kind, string Description, string? Owner, DateOnly? DueOn, Actor By);

public sealed record CompleteAction(int Number, string? Note, Actor By);

public sealed record SubmitReport(Actor By);

/// <summary>The purchaser's decision: accept (confirm) or return with a comment.</summary>
public sealed record ReviewReport(bool Accept, string? Comment, Actor By);

public sealed record RecordContainment(string Description, DateTimeOffset? TakenAt, Actor By);

public sealed record RecordNotice(NoticeRecipient Recipient, string Party, DateTimeOffset? NotifiedAt, string Channel, string? Reference, Actor By);

/// <summary>When reports fall due and how soon security events must be notified (configuration <c>Reports</c>).</summary>
public sealed record ReportDuePolicy(int OutageDueWorkingDays, int SecurityDueWorkingDays, TimeZoneInfo Zone,
    IReadOnlyDictionary<SecurityGrade, TimeSpan> NoticeWithin, double NoticeWarnAt)
{
    /// <summary>The end of the n-th working day after the day of <paramref name="from"/> (PRC calendar, service time zone).</summary>
    public (DateOnly Day, DateTimeOffset At) DueAfter(DateTimeOffset from, int workingDays, WorkingDayCalendar calendar)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, Zone).DateTime);
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (calendar.IsWorkingDay(day))
            {
                counted++;
            }
        }

        var midnight = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return (day, new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight)).ToUniversalTime());
    }

    /// <summary>The notice deadlines a security event of this grade starts (the same clock for purchaser and regulator).</summary>
    public IReadOnlyList<NoticeDeadline> NoticesFor(SecurityGrade grade, DateTimeOffset from) =>
        NoticeWithin.TryGetValue(grade, out var within)
            ? [.. Enum.GetValues<NoticeRecipient>().Select(r => new NoticeDeadline(r, from + within, from + within * NoticeWarnAt))]
            : [];
}

/// <summary>
/// A report's business rules: pure functions from (command, current state, now) to new events or a refusal. The life is
/// draft → submitted → accepted, or submitted → returned → (edited) → submitted again.
/// </summary>
public static class ReportDecider
{
    /// <summary>Stable ids: one report of each kind per incident, so a second restore (after a reopen) opens nothing new.</summary>
    public static Guid IdFor(Guid incidentId, ReportKind kind)
    {
        var bytes = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"incidents:report:{ReportErrors.Name(kind)}:{incidentId:D}"));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x30);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Outages and major events get an outage report when restored; drills do not.</summary>
    public static bool NeedsOutageReport(IncidentClass @class, bool isDrill) =>
        !isDrill && @class is IncidentClass.Outage or IncidentClass.MajorEvent;

    public static Decision Decide(OpenReport command, Report? state, ReportDuePolicy policy, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        if (state is not null)
        {
            return ReportErrors.AlreadyOpen(command.IncidentId, command.Kind);
        }

        var from = command.Kind == ReportKind.Outage ? command.Facts.RestoredAt ?? now : now;
        var days = command.Kind == ReportKind.Outage ? policy.OutageDueWorkingDays : policy.SecurityDueWorkingDays;
        var (dueOn, dueAt) = policy.DueAfter(from, days, calendar);
        var notices = command.Grade is { } grade ? policy.NoticesFor(grade, now) : [];
        return Decision.Accept(new ReportOpened(command.ReportId, command.Kind, command.IncidentId, command.Facts, dueOn, dueAt, command.Grade,
            notices, command.By, now));
    }

    public static Decision Decide(RecordSections command, Report state, DateTimeOffset now) =>
        Editable(state) ?? Decision.Accept(new ReportSectionsRecorded(state.Id, command.Impact, command.RootCause, command.CauseCategory,
            command.Summary, command.By, now));

    public static Decision Decide(AddAction command, Report state, DateTimeOffset now)
    {
        if (Editable(state) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(command.Owner))
        {
            return ReportErrors.ActionOwnerMissing();
        }

        if (command.DueOn is not { } due)
        {
            return ReportErrors.ActionDueMissing();
        }

        var number = state.Actions.Count + 1;
        return Decision.Accept(new ReportActionAdded(state.Id,
            new ReportAction(number, command.Kind, command.Description, command.Owner.Trim(), due), command.By, now));
    }

    /// <summary>Actions are tracked to done whatever the report's status (they outlive its acceptance).</summary>
    public static Decision Decide(CompleteAction command, Report state, DateTimeOffset now)
    {
        var action = state.Actions.FirstOrDefault(a => a.Number == command.Number);
        if (action is null)
        {
            return ReportErrors.UnknownAction(state.Id, command.Number);
        }

        return action.DoneAt is not null
            ? ReportErrors.ActionAlreadyDone(state.Id, command.Number)
            : Decision.Accept(new ReportActionCompleted(state.Id, command.Number, command.Note, command.By, now));
    }

    public static Decision Decide(SubmitReport command, Report state, DateTimeOffset now)
    {
        if (Editable(state) is { } refused)
        {
            return refused;
        }

        var missing = MissingSections(state);
        return missing.Count > 0
            ? ReportErrors.MissingSections(state.Id, missing)
            : Decision.Accept(new ReportSubmitted(state.Id, state.IsLate(now), command.By, now));
    }

    public static Decision Decide(ReviewReport command, Report state, DateTimeOffset now)
    {
        if (state.Status == ReportStatus.Accepted)
        {
            return ReportErrors.AlreadyConfirmed($"Report {state.Id}");
        }

        if (state.Status != ReportStatus.Submitted)
        {
            return ReportErrors.NotSubmitted(state.Id, state.Status);
        }

        if (!command.Accept && string.IsNullOrWhiteSpace(command.Comment))
        {
            return ReportErrors.CommentRequired();
        }

        return command.Accept
            ? Decision.Accept(new ReportAccepted(state.Id, command.Comment, command.By, now))
            : Decision.Accept(new ReportReturned(state.Id, command.Comment!, command.By, now));
    }

    public static Decision Decide(RecordContainment command, Report state, DateTimeOffset now)
    {
        if (state.Kind != ReportKind.Security)
        {
            return ReportErrors.NotSecurityReport(state.Id);
        }

        return Decision.Accept(new SecurityContainmentRecorded(state.Id, command.Description, command.TakenAt ?? now, command.By, now));
    }

    public static Decision Decide(RecordNotice command, Report state, DateTimeOffset now)
    {
        if (state.Kind != ReportKind.Security)
        {
            return ReportErrors.NotSecurityReport(state.Id);
        }

        return Decision.Accept(new SecurityNoticeRecorded(state.Id, command.Recipient, command.Party, command.NotifiedAt ?? now,
            command.Channel, command.Reference, command.By, now));
    }

    /// <summary>The sections a report needs before it can be submitted, named as in the request body.</summary>
    public static IReadOnlyList<string> MissingSections(Report state)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(state.Impact.Description))
        {
            missing.Add("impact.description");
        }

        if (string.IsNullOrWhiteSpace(state.RootCause))
        {
            missing.Add("rootCause");
        }

        if (state.CauseCategory is null)
        {
            missing.Add("causeCategory");
        }

        if (state.Actions.Count == 0)
        {
            missing.Add("actions");
        }

        if (state.Kind == ReportKind.Security && state.Containment.Count == 0)
        {
            missing.Add("containment");
        }

        return missing;
    }

    private static DomainError? Editable(Report state) =>
        state.Status is ReportStatus.Draft or ReportStatus.Returned ? null : ReportErrors.NotEditable(state.Id, state.Status);
}
