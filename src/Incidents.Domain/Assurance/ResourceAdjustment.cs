namespace Incidents.Domain.Assurance;

/// <summary>
/// The clock of a resource adjustment: done within <see cref="Target"/> of the request (2 hours: 2.2.6 standard 3),
/// warned at each fraction of it, breached at its end. Snapshotted on the request, so a later configuration change never
/// rewrites a running clock.
/// </summary>
public sealed record ResourceAdjustmentPolicy(TimeSpan Target, IReadOnlyList<double> WarningFractions)
{
    /// <summary>The contract's bound: a cloud host's resources adjusted within 2 hours during a key-assurance period.</summary>
    public static ResourceAdjustmentPolicy ContractDefault { get; } = new(TimeSpan.FromHours(2), [0.5, 0.8]);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Target < TimeSpan.FromSeconds(1))
        {
            problems.Add($"The target must be at least one second (is {Target}).");
        }

        if (WarningFractions.Any(f => f is <= 0 or >= 1 || double.IsNaN(f)))
        {
            problems.Add("Warning thresholds are fractions of the target strictly between 0 and 1, e.g. 0.5 and 0.8.");
        }

        if (WarningFractions.Distinct().Count() != WarningFractions.Count)
        {
            problems.Add("Warning thresholds must not repeat.");
        }

        return problems;
    }
}

public enum ResourceAdjustmentStatus
{
    /// <summary>Asked for; the clock runs.</summary>
    Requested,

    /// <summary>The resources were adjusted (in time or late). Final.</summary>
    Done,
}

/// <summary>Every fact about a resource adjustment says which one, who caused it and when.</summary>
public interface IResourceAdjustmentEvent
{
    Guid AdjustmentId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// During an active key-assurance period, someone asked for a system's cloud resources to be adjusted (scaled up, more
/// bandwidth...). The clock starts now and must stop by <see cref="DueAt"/>.
/// </summary>
public sealed record ResourceAdjustmentRequested(
    Guid AdjustmentId,
    Guid PeriodId,
    string PeriodName,
    string System,
    string Description,
    string? RequestedFor,
    ResourceAdjustmentPolicy Policy,
    DateTimeOffset DueAt,
    Actor By,
    DateTimeOffset At) : IResourceAdjustmentEvent;

/// <summary>The clock passed <see cref="Threshold"/> of its target without the adjustment done. Stamped when it fell due.</summary>
public sealed record ResourceAdjustmentWarningRaised(Guid AdjustmentId, double Threshold, DateTimeOffset DueAt, Actor By, DateTimeOffset At)
    : IResourceAdjustmentEvent;

/// <summary>The adjustment was not done by its due time. Once. Stamped when it fell due.</summary>
public sealed record ResourceAdjustmentBreached(Guid AdjustmentId, TimeSpan Target, DateTimeOffset DueAt, Actor By, DateTimeOffset At)
    : IResourceAdjustmentEvent;

/// <summary>The adjustment was done; <see cref="InTime"/> says whether before its due time.</summary>
public sealed record ResourceAdjustmentDone(Guid AdjustmentId, string Note, bool InTime, Actor By, DateTimeOffset At) : IResourceAdjustmentEvent;

public static class ResourceAdjustmentEventTypes
{
    public static readonly Type[] All =
        [typeof(ResourceAdjustmentRequested), typeof(ResourceAdjustmentWarningRaised), typeof(ResourceAdjustmentBreached), typeof(ResourceAdjustmentDone)];
}

public sealed record RequestResourceAdjustment(Guid AdjustmentId, string System, string Description, string? RequestedFor,
    ResourceAdjustmentPolicy Policy, Actor By);

public sealed record CompleteResourceAdjustment(string Note, Actor By);

/// <summary>The write model of one resource adjustment and its clock.</summary>
public sealed record ResourceAdjustment(
    Guid Id,
    Guid PeriodId,
    ResourceAdjustmentStatus Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset DueAt,
    ResourceAdjustmentPolicy Policy,
    IReadOnlyList<double> Warned,
    bool Breached)
{
    public static ResourceAdjustment? Evolve(ResourceAdjustment? state, object @event) => (state, @event) switch
    {
        (_, ResourceAdjustmentRequested e) => new ResourceAdjustment(e.AdjustmentId, e.PeriodId, ResourceAdjustmentStatus.Requested,
            e.At, e.DueAt, e.Policy, [], false),
        (null, _) => null,
        (var s, ResourceAdjustmentWarningRaised e) => s with { Warned = [.. s.Warned, e.Threshold] },
        (var s, ResourceAdjustmentBreached) => s with { Breached = true },
        (var s, ResourceAdjustmentDone) => s with { Status = ResourceAdjustmentStatus.Done },
        (var s, _) => s,
    };

    public static ResourceAdjustment? From(IEnumerable<object> events) => events.Aggregate((ResourceAdjustment?)null, Evolve);
}

/// <summary>
/// The resource-adjustment rules: raised only during an active key-assurance period, on a system in its scope; the clock
/// warns at each threshold and breaches at the due time, each once, until the adjustment is done.
/// </summary>
public static class ResourceAdjustmentDecider
{
    public static Decision Decide(RequestResourceAdjustment command, ResourceAdjustment? state, KeyAssurancePeriod period, DateTimeOffset now)
    {
        if (state is not null)
        {
            return KeyAssuranceErrors.AdjustmentAlreadyRequested(command.AdjustmentId);
        }

        if (period.Status != KeyAssuranceStatus.Active || !period.Window.Contains(now))
        {
            return KeyAssuranceErrors.NotActive(period.Id, period.Status, now);
        }

        if (!period.Systems.Contains(command.System, StringComparer.OrdinalIgnoreCase))
        {
            return KeyAssuranceErrors.SystemOutOfScope(period.Id, command.System);
        }

        return Decision.Accept(new ResourceAdjustmentRequested(command.AdjustmentId, period.Id, period.Name, command.System, command.Description,
            command.RequestedFor, command.Policy, now + command.Policy.Target, command.By, now));
    }

    public static Decision Decide(CompleteResourceAdjustment command, ResourceAdjustment state, DateTimeOffset now) =>
        state.Status == ResourceAdjustmentStatus.Done
            ? KeyAssuranceErrors.AdjustmentDone(state.Id)
            : Decision.Accept(new ResourceAdjustmentDone(state.Id, command.Note, now <= state.DueAt, command.By, now));

    /// <summary>
    /// The notices due at <paramref name="now"/> (warnings not yet raised whose instant has come, then the breach), each
    /// stamped with the instant it fell due; nothing once the adjustment is done. Pure: the same state and instant always
    /// give the same notices, so a duplicated or late check records nothing twice.
    /// </summary>
    public static IReadOnlyList<object> DueNotices(ResourceAdjustment state, DateTimeOffset now)
    {
        if (state.Status == ResourceAdjustmentStatus.Done)
        {
            return [];
        }

        var notices = new List<object>();
        foreach (var fraction in state.Policy.WarningFractions.Order())
        {
            var at = WarningAt(state, fraction);
            if (at <= now && !state.Warned.Contains(fraction) && !state.Breached)
            {
                notices.Add(new ResourceAdjustmentWarningRaised(state.Id, fraction, state.DueAt, Actor.System, at));
            }
        }

        if (!state.Breached && state.DueAt <= now)
        {
            notices.Add(new ResourceAdjustmentBreached(state.Id, state.Policy.Target, state.DueAt, Actor.System, state.DueAt));
        }

        return notices;
    }

    /// <summary>When the clock has something to say next (null: done, or breached already).</summary>
    public static DateTimeOffset? NextCheckAt(ResourceAdjustment state)
    {
        if (state.Status == ResourceAdjustmentStatus.Done || state.Breached)
        {
            return null;
        }

        var warnings = state.Policy.WarningFractions.Where(f => !state.Warned.Contains(f)).Select(f => WarningAt(state, f));
        return warnings.Append(state.DueAt).Min();
    }

    private static DateTimeOffset WarningAt(ResourceAdjustment state, double fraction) =>
        state.RequestedAt + TimeSpan.FromTicks((long)(state.Policy.Target.Ticks * fraction));
}
