namespace Incidents.Domain.Assurance;

/// <summary>Every fact in a key-assurance period's life says which period, who caused it and when.</summary>
public interface IKeyAssuranceEvent
{
    Guid PeriodId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// A period was planned: its occasion, window, systems in scope, the plan (a summary or a reference to the document) and
/// the roster that staffs it.
/// </summary>
public sealed record KeyAssurancePeriodPlanned(
    Guid PeriodId,
    string Name,
    KeyAssuranceKind Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<string> Systems,
    string Plan,
    Guid? RosterId,
    Actor By,
    DateTimeOffset At) : IKeyAssuranceEvent;

/// <summary>The window opened (the timer at its start): from now, in-scope incidents are reported under the tighter policy.</summary>
public sealed record KeyAssurancePeriodActivated(Guid PeriodId, Actor By, DateTimeOffset At) : IKeyAssuranceEvent;

/// <summary>The window closed (the timer at its end), with what happened in it.</summary>
public sealed record KeyAssurancePeriodCompleted(Guid PeriodId, KeyAssuranceSummary Summary, Actor By, DateTimeOffset At)
    : IKeyAssuranceEvent;

public sealed record KeyAssurancePeriodCancelled(Guid PeriodId, string Reason, Actor By, DateTimeOffset At) : IKeyAssuranceEvent;

public static class KeyAssuranceEventTypes
{
    public static readonly Type[] All =
    [
        typeof(KeyAssurancePeriodPlanned), typeof(KeyAssurancePeriodActivated), typeof(KeyAssurancePeriodCompleted),
        typeof(KeyAssurancePeriodCancelled),
    ];
}
