namespace Incidents.Domain.Assurance;

/// <summary>The occasions the contract names for key-assurance service (2.2.10 item 1: 护网、春节、两会、五一、国庆、党代会).</summary>
public enum KeyAssuranceKind
{
    CyberExercise,
    SpringFestival,
    TwoSessions,
    MayDay,
    NationalDay,
    PartyCongress,
    Other,
}

/// <summary>Where a key-assurance period is in its life (docs/assurance.md).</summary>
public enum KeyAssuranceStatus
{
    /// <summary>Planned; becomes active by itself when its window opens.</summary>
    Planned,

    /// <summary>Its window is open: in-scope incidents get the tighter policy; resource adjustments may be raised.</summary>
    Active,

    /// <summary>Its window closed; it carries its summary. Final. Counts towards the year's four.</summary>
    Completed,

    /// <summary>Called off. Final. Does not count.</summary>
    Cancelled,
}

/// <summary>The window of a period: [<see cref="Start"/>, <see cref="End"/>).</summary>
public sealed record KeyAssuranceWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;

    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;
}

/// <summary>Who was on duty during a period, as the rosters said (docs/assurance.md, "Rosters").</summary>
public sealed record KeyAssuranceShift(string PersonId, string Name, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// A hand-off recorded during a period (docs/oncall.md, "Hand-offs"): who handed over to whom, how many production incidents
/// were open, and the notice to the incoming person (<c>delivered</c>, <c>failed</c>, <c>pending</c>; null: nobody new came on).
/// </summary>
public sealed record KeyAssuranceHandOff(Guid HandOffId, DateTimeOffset At, string? From, string? To, int OpenIncidents, string? Notice);

/// <summary>
/// The rosters' account of a period: the shifts worked, in order, how many shift changes the roster had in the window
/// (<see cref="HandOffs"/>), and the hand-offs recorded with their notices (<see cref="Recorded"/>; null in summaries made
/// before hand-offs were recorded).
/// </summary>
public sealed record KeyAssuranceDuty(IReadOnlyList<KeyAssuranceShift> Shifts, int HandOffs, IReadOnlyList<KeyAssuranceHandOff>? Recorded = null);

/// <summary>
/// What a period ends with: the incidents reported in scope during its window, how many met every SLA stage, the
/// attainment (null when there were none), the resource adjustments and how many were done in time, and who was on duty
/// (null when the rosters could not say).
/// </summary>
public sealed record KeyAssuranceSummary(
    IReadOnlyList<Guid> Incidents,
    int IncidentsWithinSla,
    double? SlaAttainment,
    int ResourceAdjustments,
    int ResourceAdjustmentsInTime,
    KeyAssuranceDuty? Duty)
{
    public static KeyAssuranceSummary Of(IReadOnlyList<Guid> incidents, int withinSla, int adjustments, int adjustmentsInTime,
        KeyAssuranceDuty? duty) =>
        new(incidents, withinSla, incidents.Count == 0 ? null : Math.Round((double)withinSla / incidents.Count, 4), adjustments,
            adjustmentsInTime, duty);
}

/// <summary>What the planning rules need beyond the request: the systems periods may name (empty: any well-formed name).</summary>
public sealed record KeyAssuranceRules(IReadOnlyCollection<string> KnownSystems, TimeSpan MaxLength)
{
    /// <summary>A period lasts at most 60 days (issue #11): the longest occasion, a party congress or an exercise season, fits.</summary>
    public static readonly TimeSpan DefaultMaxLength = TimeSpan.FromDays(60);

    public static readonly KeyAssuranceRules AnySystem = new([], DefaultMaxLength);
}
