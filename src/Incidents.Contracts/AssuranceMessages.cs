namespace Incidents.Contracts;

// Key-assurance integration messages (docs/assurance.md), published to Messaging.AssuranceEventsExchange. Same rules as
// IncidentMessages.cs: add fields rather than rename; durations ISO 8601; enum-like values lower-kebab strings.

/// <summary>
/// A resource adjustment was asked for during key-assurance period <c>PeriodId</c>: <c>System</c>'s cloud resources must
/// be adjusted by <c>DueAt</c> (<c>Target</c> after the request; 2.2.6 standard 3).
/// </summary>
public sealed record ResourceAdjustmentOpened(
    Guid AdjustmentId,
    Guid PeriodId,
    string PeriodName,
    string System,
    string Description,
    string Target,
    DateTimeOffset RequestedAt,
    DateTimeOffset DueAt,
    ActorInfo RequestedBy,
    long StreamVersion);

/// <summary>A resource adjustment's clock passed a warning threshold (a fraction of its target) and it is not done yet.</summary>
public sealed record ResourceAdjustmentSlaWarning(
    Guid AdjustmentId,
    Guid PeriodId,
    string PeriodName,
    string System,
    string Description,
    double Threshold,
    DateTimeOffset DueAt,
    DateTimeOffset WarnedAt,
    long StreamVersion);

/// <summary>A resource adjustment was not done by its due time. Sent once.</summary>
public sealed record ResourceAdjustmentSlaBreached(
    Guid AdjustmentId,
    Guid PeriodId,
    string PeriodName,
    string System,
    string Description,
    string Target,
    DateTimeOffset DueAt,
    long StreamVersion);

/// <summary>A resource adjustment was done; <c>InTime</c> says whether by its due time.</summary>
public sealed record ResourceAdjustmentCompleted(
    Guid AdjustmentId,
    Guid PeriodId,
    string PeriodName,
    string System,
    bool InTime,
    DateTimeOffset DoneAt,
    ActorInfo By,
    long StreamVersion);
