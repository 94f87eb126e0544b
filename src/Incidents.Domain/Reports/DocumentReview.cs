namespace Incidents.Domain.Reports;

/// <summary>
/// The purchaser's confirm-or-return rule for documents that are not reports of their own (the monthly service report,
/// a drill's scorecard): there must be something to review, a confirmation is final, a return needs a comment.
/// </summary>
public static class DocumentReview
{
    /// <summary>Null when the decision may be recorded; otherwise the refusal.</summary>
    /// <param name="what">The document, for the message ("The monthly report on 2026-11").</param>
    /// <param name="ready">Whether there is something to review (the report issued, the drill completed).</param>
    /// <param name="notReady">The refusal when not ready.</param>
    /// <param name="last">The last decision since the document was (re)issued, if any.</param>
    public static DomainError? Check(string what, bool ready, DomainError notReady, ReviewDecision? last, bool accept, string? comment)
    {
        if (!ready)
        {
            return notReady;
        }

        if (last is { Accepted: true })
        {
            return ReportErrors.AlreadyConfirmed(what);
        }

        return !accept && string.IsNullOrWhiteSpace(comment) ? ReportErrors.CommentRequired() : null;
    }
}

/// <summary>The purchaser's decision on a completed drill's scorecard.</summary>
public static class ScorecardReview
{
    public static Decision Decide(ReviewReport command, Drills.Drill drill, DateTimeOffset now)
    {
        var notReady = new DomainError("review.not-ready", "Nothing to review",
            $"Drill {drill.Id} is {ReportErrors.Name(drill.Status)}; its scorecard is reviewed once the drill is completed.");
        if (DocumentReview.Check($"The scorecard of drill {drill.Id}", drill.Status == Drills.DrillStatus.Completed, notReady,
                drill.ScorecardReview, command.Accept, command.Comment) is { } refused)
        {
            return refused;
        }

        return command.Accept
            ? Decision.Accept(new DrillScorecardConfirmed(drill.Id, command.Comment, command.By, now))
            : Decision.Accept(new DrillScorecardReturned(drill.Id, command.Comment!, command.By, now));
    }
}

/// <summary>The purchaser's decision on an issued monthly report, given that month's report stream.</summary>
public static class MonthlyReportReview
{
    /// <summary>The last decision since the report was last issued (a re-issue opens a new review).</summary>
    public static (bool Issued, ReviewDecision? Last) StateOf(IEnumerable<object> stream)
    {
        var issued = false;
        ReviewDecision? last = null;
        foreach (var e in stream)
        {
            switch (e)
            {
                case Kpis.MonthlyReportIssued:
                    issued = true;
                    last = last is { Accepted: true } ? last : null;
                    break;
                case MonthlyReportConfirmed c:
                    last = new ReviewDecision(true, c.Comment, c.By, c.At);
                    break;
                case MonthlyReportReturned r:
                    last = new ReviewDecision(false, r.Comment, r.By, r.At);
                    break;
            }
        }

        return (issued, last);
    }

    public static Decision Decide(string month, ReviewReport command, IReadOnlyList<object> stream, DateTimeOffset now)
    {
        var (issued, last) = StateOf(stream);
        var notReady = new DomainError("review.not-ready", "Nothing to review",
            $"The monthly report on {month} has not been issued; the purchaser reviews an issued report.");
        if (DocumentReview.Check($"The monthly report on {month}", issued, notReady, last, command.Accept, command.Comment) is { } refused)
        {
            return refused;
        }

        return command.Accept
            ? Decision.Accept(new MonthlyReportConfirmed(month, command.Comment, command.By, now))
            : Decision.Accept(new MonthlyReportReturned(month, command.Comment!, command.By, now));
    }
}
