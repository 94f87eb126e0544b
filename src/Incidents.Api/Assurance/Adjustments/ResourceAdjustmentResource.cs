using Incidents.Domain;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;

namespace Incidents.Api.Assurance.Adjustments;

/// <summary>Where a resource adjustment's clock stands: running, warned, breached (not done, late), done in time, done late.</summary>
public enum ResourceAdjustmentClockState
{
    Running,
    Warned,
    Breached,
    DoneInTime,
    DoneLate,
}

public sealed record ResourceAdjustmentLinks(string Self, string Period);

/// <summary>A resource adjustment as the API shows it. <c>version</c> is also sent as the ETag.</summary>
public sealed record ResourceAdjustmentResource(
    Guid Id,
    long Version,
    Guid PeriodId,
    string PeriodName,
    string System,
    string Description,
    string? RequestedFor,
    ResourceAdjustmentStatus Status,
    ResourceAdjustmentClockState Clock,
    Actor RequestedBy,
    DateTimeOffset RequestedAt,
    TimeSpan Target,
    DateTimeOffset DueAt,
    IReadOnlyList<double> WarningsRaised,
    DateTimeOffset? BreachedAt,
    DateTimeOffset? DoneAt,
    Actor? DoneBy,
    string? DoneNote,
    ResourceAdjustmentLinks Links)
{
    public static ResourceAdjustmentResource From(ResourceAdjustmentDetails d) => new(
        d.Id, d.Version, d.PeriodId, d.PeriodName, d.System, d.Description, d.RequestedFor, d.Status, ClockOf(d), d.RequestedBy,
        d.RequestedAt, d.Target, d.DueAt, d.WarningsRaised, d.BreachedAt, d.DoneAt, d.DoneBy, d.DoneNote,
        new ResourceAdjustmentLinks($"/api/v1/resource-adjustments/{d.Id}", $"/api/v1/assurance-periods/{d.PeriodId}"));

    private static ResourceAdjustmentClockState ClockOf(ResourceAdjustmentDetails d) => (d.DoneInTime, d.BreachedAt, d.WarningsRaised.Count) switch
    {
        (true, _, _) => ResourceAdjustmentClockState.DoneInTime,
        (false, _, _) => ResourceAdjustmentClockState.DoneLate,
        (null, not null, _) => ResourceAdjustmentClockState.Breached,
        (null, null, > 0) => ResourceAdjustmentClockState.Warned,
        _ => ResourceAdjustmentClockState.Running,
    };
}
