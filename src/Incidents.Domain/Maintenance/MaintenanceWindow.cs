namespace Incidents.Domain.Maintenance;

/// <summary>Every fact in a maintenance window's life says which window, who caused it and when.</summary>
public interface IMaintenanceWindowEvent
{
    Guid WindowId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>Planned maintenance announced ahead of time: the systems it takes down, from <see cref="Starts"/> until <see cref="Ends"/>.</summary>
public sealed record MaintenanceWindowAnnounced(
    Guid WindowId,
    string Title,
    string Reason,
    IReadOnlyList<string> Systems,
    DateTimeOffset Starts,
    DateTimeOffset Ends,
    TimeSpan LeadTime,
    Actor By,
    DateTimeOffset At) : IMaintenanceWindowEvent;

/// <summary>The purchaser approved the window: outage time inside it no longer counts against availability (2.2.6 standard 8).</summary>
public sealed record MaintenanceWindowApproved(Guid WindowId, string? Comment, Actor By, DateTimeOffset At) : IMaintenanceWindowEvent;

/// <summary>The purchaser refused the window: outage time inside it counts as downtime like any other.</summary>
public sealed record MaintenanceWindowRefused(Guid WindowId, string Comment, Actor By, DateTimeOffset At) : IMaintenanceWindowEvent;

public enum MaintenanceWindowStatus
{
    /// <summary>Announced, waiting for the purchaser.</summary>
    Announced,
    Approved,
    Refused,
}

/// <summary>The write model of one window: what the decider needs.</summary>
public sealed record MaintenanceWindow(Guid Id, MaintenanceWindowStatus Status, IReadOnlyList<string> Systems, DateTimeOffset Starts,
    DateTimeOffset Ends)
{
    public static MaintenanceWindow? Evolve(MaintenanceWindow? state, object @event) => (state, @event) switch
    {
        (_, MaintenanceWindowAnnounced e) => new MaintenanceWindow(e.WindowId, MaintenanceWindowStatus.Announced, e.Systems, e.Starts, e.Ends),
        (null, _) => null,
        (var s, MaintenanceWindowApproved) => s with { Status = MaintenanceWindowStatus.Approved },
        (var s, MaintenanceWindowRefused) => s with { Status = MaintenanceWindowStatus.Refused },
        (var s, _) => s,
    };

    /// <summary>Two windows overlap when they share a system and their [start, end) intervals meet.</summary>
    public bool Overlaps(IReadOnlyList<string> systems, DateTimeOffset starts, DateTimeOffset ends) =>
        Starts < ends && starts < Ends && Systems.Intersect(systems, StringComparer.Ordinal).Any();
}

public sealed record AnnounceMaintenanceWindow(Guid WindowId, string Title, string Reason, IReadOnlyList<string> Systems,
    DateTimeOffset Starts, DateTimeOffset Ends, Actor By);

/// <summary>The purchaser's decision on a window: approve (comment optional) or refuse (comment required).</summary>
public sealed record DecideMaintenanceWindow(bool Approve, string? Comment, Actor By);

public static class MaintenanceWindowEventTypes
{
    public static readonly Type[] All = [typeof(MaintenanceWindowAnnounced), typeof(MaintenanceWindowApproved), typeof(MaintenanceWindowRefused)];
}

/// <summary>The catalogue of maintenance refusals, each with a stable code.</summary>
public static class MaintenanceErrors
{
    public static DomainError NotFound(Guid id) =>
        new("maintenance.not-found", "Maintenance window not found", $"No maintenance window with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError ShortNotice(DateTimeOffset starts, DateTimeOffset now, TimeSpan leadTime) =>
        new("maintenance.short-notice", "Announced too late",
            $"Planned maintenance must be announced at least {leadTime.TotalHours:0.##} h before it starts; it starts at {starts:O}, "
            + $"{(starts - now).TotalHours:0.##} h after now ({now:O}).", DomainErrorKind.Unprocessable);

    public static DomainError Overlaps(MaintenanceWindow other, IReadOnlyList<string> systems) =>
        new("maintenance.overlaps", "Overlapping maintenance window",
            $"Maintenance window {other.Id} ({other.Status.ToString().ToLowerInvariant()}) already covers "
            + $"{string.Join(", ", other.Systems.Intersect(systems, StringComparer.Ordinal))} from {other.Starts:O} to {other.Ends:O}.");

    public static DomainError AlreadyDecided(Guid id, MaintenanceWindowStatus status) =>
        new("maintenance.already-decided", "Already decided",
            $"Maintenance window {id} was already {status.ToString().ToLowerInvariant()}; a decision is not taken twice.");

    public static DomainError AlreadyStarted(Guid id, DateTimeOffset starts) =>
        new("maintenance.already-started", "Window already started",
            $"Maintenance window {id} started at {starts:O}; it is approved before it starts, or not at all.");
}

/// <summary>
/// The rules of planned maintenance (issue #13 item 4): announced at least the lead time ahead, no two windows (announced
/// or approved) on one system at once, one decision by the purchaser before the window starts. Who may decide is the
/// endpoint's policy (the purchaser only).
/// </summary>
public static class MaintenanceDecider
{
    /// <param name="others">The windows not refused that may overlap (the caller loads those on the same systems).</param>
    public static Decision Decide(AnnounceMaintenanceWindow command, IReadOnlyList<MaintenanceWindow> others, TimeSpan leadTime,
        DateTimeOffset now)
    {
        if (command.Starts - now < leadTime)
        {
            return MaintenanceErrors.ShortNotice(command.Starts, now, leadTime);
        }

        if (others.Where(o => o.Id != command.WindowId && o.Status != MaintenanceWindowStatus.Refused)
                .OrderBy(o => o.Starts).FirstOrDefault(o => o.Overlaps(command.Systems, command.Starts, command.Ends)) is { } overlap)
        {
            return MaintenanceErrors.Overlaps(overlap, command.Systems);
        }

        return Decision.Accept(new MaintenanceWindowAnnounced(command.WindowId, command.Title, command.Reason, command.Systems,
            command.Starts, command.Ends, leadTime, command.By, now));
    }

    public static Decision Decide(DecideMaintenanceWindow command, MaintenanceWindow window, DateTimeOffset now)
    {
        if (window.Status != MaintenanceWindowStatus.Announced)
        {
            return MaintenanceErrors.AlreadyDecided(window.Id, window.Status);
        }

        if (command.Approve && now >= window.Starts)
        {
            return MaintenanceErrors.AlreadyStarted(window.Id, window.Starts);
        }

        return command.Approve
            ? Decision.Accept(new MaintenanceWindowApproved(window.Id, command.Comment, command.By, now))
            : Decision.Accept(new MaintenanceWindowRefused(window.Id, command.Comment ?? "", command.By, now));
    }
}
