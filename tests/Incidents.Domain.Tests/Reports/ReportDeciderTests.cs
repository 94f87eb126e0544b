using Incidents.Domain;
using Incidents.Domain.Calendar;
using Incidents.Domain.Incidents;
using Incidents.Domain.Reports;

namespace Incidents.Domain.Tests.Reports;

public sealed class ReportDeciderTests
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly Actor Engineer = new("eng-07", "Zhao Lei");
    private static readonly Actor Buyer = new("buyer-01", "Wang Min");

    private static readonly ReportDuePolicy Policy = new(2, 2, Beijing, new Dictionary<SecurityGrade, TimeSpan>
    {
        [SecurityGrade.ParticularlyMajor] = TimeSpan.FromHours(1),
        [SecurityGrade.Major] = TimeSpan.FromHours(1),
        [SecurityGrade.Larger] = TimeSpan.FromHours(1),
        [SecurityGrade.General] = TimeSpan.FromHours(24),
    }, 0.75);

    private static DateTimeOffset Beijing9(int year, int month, int day) => new(year, month, day, 9, 0, 0, TimeSpan.FromHours(8));

    private static Report Opened(DateTimeOffset restoredAt, ReportKind kind = ReportKind.Outage, SecurityGrade? grade = null)
    {
        var facts = new IncidentFacts("Settlement down", IncidentClass.Outage, "settlement", restoredAt.AddHours(-1), null, null, null, restoredAt,
            "Failed over", TimeSpan.FromHours(1), [], [], []);
        var id = ReportDecider.IdFor(Guid.NewGuid(), kind);
        var decision = ReportDecider.Decide(new OpenReport(id, kind, Guid.NewGuid(), facts, grade, Actor.System), null, Policy,
            WorkingDayCalendar.Official, restoredAt);
        return Report.From(decision.Events)!;
    }

    private static Report Apply(Report report, Decision decision)
    {
        decision.Error.ShouldBeNull();
        return decision.Events.Aggregate(report, (s, e) => Report.Evolve(s, e)!);
    }

    private static Report Complete(Report report, DateTimeOffset now)
    {
        report = Apply(report, ReportDecider.Decide(new RecordSections(new ReportImpact(10, 2, 300, "Settlement down"), "Disk full",
            CauseCategory.Capacity, null, Engineer), report, now));
        return Apply(report, ReportDecider.Decide(new AddAction(ReportActionKind.Corrective, "Grow the disk", "Zhao Lei",
            new DateOnly(2026, 12, 1), Engineer), report, now));
    }

    [Fact]
    public void an_outage_report_is_due_two_working_days_after_the_restore_skipping_the_national_day_holiday()
    {
        // Wednesday 30 September 2026; 1–7 October are holidays: Thursday 8 and Friday 9 October are the two working days.
        var report = Opened(Beijing9(2026, 9, 30));
        report.DueOn.ShouldBe(new DateOnly(2026, 10, 9));
        report.DueAt.ShouldBe(new DateTimeOffset(2026, 10, 10, 0, 0, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void a_make_up_saturday_counts_as_a_working_day()
    {
        // Friday 9 October 2026; Saturday 10 October is an official make-up working day.
        Opened(Beijing9(2026, 10, 9)).DueOn.ShouldBe(new DateOnly(2026, 10, 12));
    }

    [Fact]
    public void a_report_with_empty_required_sections_cannot_be_submitted_and_names_them()
    {
        var now = Beijing9(2026, 11, 3);
        var decision = ReportDecider.Decide(new SubmitReport(Engineer), Opened(now), now);
        decision.Error!.Code.ShouldBe("report.sections-missing");
        decision.Error.Kind.ShouldBe(DomainErrorKind.Unprocessable);
        decision.Error.Detail.ShouldContain("impact.description, rootCause, causeCategory, actions");
    }

    [Fact]
    public void actions_need_an_owner_and_a_due_date()
    {
        var report = Opened(Beijing9(2026, 11, 3));
        ReportDecider.Decide(new AddAction(ReportActionKind.Corrective, "Fix", " ", new DateOnly(2026, 12, 1), Engineer), report, report.OpenedAt)
            .Error!.Code.ShouldBe("report.action-owner-missing");
        ReportDecider.Decide(new AddAction(ReportActionKind.Corrective, "Fix", "Zhao Lei", null, Engineer), report, report.OpenedAt)
            .Error!.Code.ShouldBe("report.action-due-missing");
    }

    [Fact]
    public void submitted_returned_resubmitted_accepted_and_a_second_confirmation_is_refused()
    {
        var now = Beijing9(2026, 11, 3);
        var report = Complete(Opened(now), now);
        report = Apply(report, ReportDecider.Decide(new SubmitReport(Engineer), report, now));
        ReportDecider.Decide(new ReviewReport(false, null, Buyer), report, now).Error!.Code.ShouldBe("review.comment-required");
        report = Apply(report, ReportDecider.Decide(new ReviewReport(false, "More detail", Buyer), report, now));
        report.Status.ShouldBe(ReportStatus.Returned);
        report = Apply(report, ReportDecider.Decide(new SubmitReport(Engineer), report, now));
        report = Apply(report, ReportDecider.Decide(new ReviewReport(true, null, Buyer), report, now));
        report.Status.ShouldBe(ReportStatus.Accepted);
        report.Submissions.ShouldBe(2);
        ReportDecider.Decide(new ReviewReport(true, null, Buyer), report, now).Error!.Code.ShouldBe("review.already-confirmed");
        ReportDecider.Decide(new ReviewReport(false, "again", Buyer), report, now).Error!.Code.ShouldBe("review.already-confirmed");
    }

    [Fact]
    public void a_report_submitted_after_its_due_time_stays_late()
    {
        var restored = Beijing9(2026, 11, 3);
        var report = Complete(Opened(restored), restored);
        report.IsLate(report.DueAt).ShouldBeFalse();
        report.IsLate(report.DueAt.AddTicks(1)).ShouldBeTrue();
        var submitted = Apply(report, ReportDecider.Decide(new SubmitReport(Engineer), report, report.DueAt.AddHours(1)));
        submitted.IsLate(submitted.DueAt.AddDays(30)).ShouldBeTrue();
        ((ReportSubmitted)ReportDecider.Decide(new SubmitReport(Engineer), report, report.DueAt.AddHours(1)).Events[0]).Late.ShouldBeTrue();
    }

    [Fact]
    public void a_larger_security_event_is_warned_at_45_minutes_and_breached_after_an_hour_for_each_recipient_not_told()
    {
        var marked = Beijing9(2026, 11, 3);
        var report = Opened(marked, ReportKind.Security, SecurityGrade.Larger);
        report.NoticesDue.Select(d => d.DueAt).Distinct().ShouldBe([marked.AddHours(1)]);
        NoticeClock.Due(report, marked.AddMinutes(44)).ShouldBeEmpty();
        report = Apply(report, ReportDecider.Decide(new RecordNotice(NoticeRecipient.Purchaser, "Wang Min", marked.AddMinutes(30), "phone",
            "SEC-1", Engineer), report, marked.AddMinutes(30)));
        var warnings = NoticeClock.Due(report, marked.AddMinutes(45));
        warnings.ShouldHaveSingleItem().ShouldBeOfType<SecurityNoticeWarned>().Recipient.ShouldBe(NoticeRecipient.Regulator);
        report = Apply(report, Decision.Accept([.. warnings]));
        NoticeClock.Due(report, marked.AddMinutes(50)).ShouldBeEmpty();
        var breach = NoticeClock.Due(report, marked.AddMinutes(61)).ShouldHaveSingleItem().ShouldBeOfType<SecurityNoticeBreached>();
        breach.Recipient.ShouldBe(NoticeRecipient.Regulator);
        NoticeClock.Status(report, report.NoticesDue.Single(d => d.Recipient == NoticeRecipient.Purchaser), marked.AddHours(2))
            .ShouldBe(NoticeStatus.Met);
    }

    [Fact]
    public void outages_and_major_events_get_an_outage_report_faults_and_drills_do_not()
    {
        ReportDecider.NeedsOutageReport(IncidentClass.Outage, false).ShouldBeTrue();
        ReportDecider.NeedsOutageReport(IncidentClass.MajorEvent, false).ShouldBeTrue();
        ReportDecider.NeedsOutageReport(IncidentClass.Fault, false).ShouldBeFalse();
        ReportDecider.NeedsOutageReport(IncidentClass.Outage, true).ShouldBeFalse();
    }
}
