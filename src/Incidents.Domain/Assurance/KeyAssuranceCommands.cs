namespace Incidents.Domain.Assurance;

public sealed record PlanKeyAssurancePeriod(
    Guid PeriodId,
    string Name,
    KeyAssuranceKind Kind,
    KeyAssuranceWindow Window,
    IReadOnlyList<string> Systems,
    string Plan,
    Guid? RosterId,
    Actor By);

/// <summary>Open the window; <see cref="ForStart"/> is the start the timer was made for (a stale timer opens nothing).</summary>
public sealed record ActivateKeyAssurancePeriod(DateTimeOffset ForStart, Actor By);

/// <summary>Close the window with its summary; <see cref="ForEnd"/> is the end the timer was made for.</summary>
public sealed record CompleteKeyAssurancePeriod(DateTimeOffset ForEnd, KeyAssuranceSummary Summary, Actor By);

public sealed record CancelKeyAssurancePeriod(string Reason, Actor By);
