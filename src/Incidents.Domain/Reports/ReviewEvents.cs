namespace Incidents.Domain.Reports;

/// <summary>The purchaser confirmed the monthly service report on <see cref="Month"/> (an event in that month's report stream).</summary>
public sealed record MonthlyReportConfirmed(string Month, string? Comment, Actor By, DateTimeOffset At);

/// <summary>The purchaser returned the monthly service report on <see cref="Month"/> with a comment (issue it again).</summary>
public sealed record MonthlyReportReturned(string Month, string Comment, Actor By, DateTimeOffset At);

/// <summary>The purchaser confirmed a completed drill's scorecard (an event in the drill's stream).</summary>
public sealed record DrillScorecardConfirmed(Guid DrillId, string? Comment, Actor By, DateTimeOffset At) : Drills.IDrillEvent;

/// <summary>The purchaser returned a completed drill's scorecard with a comment.</summary>
public sealed record DrillScorecardReturned(Guid DrillId, string Comment, Actor By, DateTimeOffset At) : Drills.IDrillEvent;

/// <summary>The monthly report's review events (the drill's are among <see cref="Drills.DrillEventTypes.All"/>).</summary>
public static class ReviewEventTypes
{
    public static readonly Type[] All =
        [typeof(MonthlyReportConfirmed), typeof(MonthlyReportReturned)];
}
