namespace Incidents.Domain.Duty.Rosters;

/// <summary>How long one member's shift lasts before the next member takes over.</summary>
public enum RotationKind
{
    /// <summary>One day, hand-off to hand-off.</summary>
    Daily,

    /// <summary>Seven days, hand-off to hand-off.</summary>
    Weekly,

    /// <summary>The layer's own <see cref="RosterLayer.ShiftLength"/> (whole days count in local days, anything else in hours).</summary>
    Custom,
}

/// <summary>
/// Which duty days a layer covers, by the official PRC calendar (<see cref="Calendar.WorkingDayCalendar"/>). A duty day
/// runs from the layer's hand-off on that date to the hand-off on the next one.
/// </summary>
public enum LayerDays
{
    Every,
    WorkingDays,
    NonWorkingDays,

    /// <summary>The State Council's public holidays only (the holiday layer): make-up workdays are not holidays.</summary>
    Holidays,
}

/// <summary>
/// One layer of a roster: a rotation of ordered members (the first one on from <see cref="StartsOn"/> at the hand-off),
/// on the duty days it covers. Where layers cover the same instant, the higher <see cref="Precedence"/> wins.
/// </summary>
public sealed record RosterLayer(
    string Name,
    int Precedence,
    RotationKind Rotation,
    TimeSpan? ShiftLength,
    TimeOnly HandOff,
    IReadOnlyList<string> Members,
    LayerDays Days,
    DateOnly StartsOn)
{
    public TimeSpan Length => Rotation switch
    {
        RotationKind.Daily => TimeSpan.FromDays(1),
        RotationKind.Weekly => TimeSpan.FromDays(7),
        _ => ShiftLength ?? TimeSpan.FromDays(1),
    };

    /// <summary>Whole-day shifts hand off at the same wall-clock time every day, across daylight-saving changes.</summary>
    public bool InLocalDays => Length.Ticks % TimeSpan.TicksPerDay == 0;
}

/// <summary>The layers in force from <see cref="EffectiveFrom"/> until a later change, as recorded at <see cref="RecordedAt"/>.</summary>
public sealed record RosterSchedule(DateTimeOffset EffectiveFrom, IReadOnlyList<RosterLayer> Layers, DateTimeOffset RecordedAt);

/// <summary>Someone covers a window (an override), or half of a swap (<see cref="SwapId"/> set). Latest recorded wins.</summary>
public sealed record RosterOverride(Guid Id, string PersonId, DateTimeOffset From, DateTimeOffset To, string? Reason, Guid? SwapId,
    DateTimeOffset RecordedAt, DateTimeOffset? CancelledAt);
