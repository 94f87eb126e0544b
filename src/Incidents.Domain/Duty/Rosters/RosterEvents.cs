namespace Incidents.Domain.Duty.Rosters;

/// <summary>Every fact in a roster's life says which roster, who recorded it and when.</summary>
public interface IRosterEvent
{
    Guid RosterId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>A roster was set up: it serves <see cref="Role"/> (when given) in <see cref="TimeZone"/>.</summary>
public sealed record RosterCreated(Guid RosterId, string Name, string? Role, string TimeZone, bool Is24x7, Actor By, DateTimeOffset At)
    : IRosterEvent;

/// <summary>From <see cref="EffectiveFrom"/> (never before the event) the roster runs these layers; earlier instants keep theirs.</summary>
public sealed record RosterScheduleChanged(Guid RosterId, DateTimeOffset EffectiveFrom, IReadOnlyList<RosterLayer> Layers, string? Reason,
    Actor By, DateTimeOffset At) : IRosterEvent;

public sealed record RosterOverrideAdded(Guid RosterId, Guid OverrideId, string PersonId, DateTimeOffset From, DateTimeOffset To,
    string? Reason, Guid? SwapId, Actor By, DateTimeOffset At) : IRosterEvent;

/// <summary>An override that had not started yet was withdrawn.</summary>
public sealed record RosterOverrideCancelled(Guid RosterId, Guid OverrideId, Actor By, DateTimeOffset At) : IRosterEvent;

public static class RosterEventTypes
{
    public static readonly Type[] All = [typeof(RosterCreated), typeof(RosterScheduleChanged), typeof(RosterOverrideAdded), typeof(RosterOverrideCancelled)];
}
