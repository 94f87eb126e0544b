using Incidents.Domain;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;

namespace Incidents.Api.Assurance;

public sealed record KeyAssuranceLinks(string Self, string ResourceAdjustments);

/// <summary>A key-assurance period as the API shows it. <c>version</c> is also sent as the ETag.</summary>
public sealed record KeyAssurancePeriodResource(
    Guid Id,
    long Version,
    string Name,
    KeyAssuranceKind Kind,
    KeyAssuranceStatus Status,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<string> Systems,
    string Plan,
    Guid? RosterId,
    Actor PlannedBy,
    DateTimeOffset PlannedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? CompletedAt,
    KeyAssuranceSummary? Summary,
    DateTimeOffset? CancelledAt,
    Actor? CancelledBy,
    string? CancellationReason,
    DateTimeOffset LastChangedAt,
    KeyAssuranceLinks Links)
{
    public static KeyAssurancePeriodResource From(KeyAssurancePeriodDetails d) => new(
        d.Id, d.Version, d.Name, d.Kind, d.Status, d.Start, d.End, d.Systems, d.Plan, d.RosterId, d.PlannedBy, d.PlannedAt,
        d.ActivatedAt, d.CompletedAt, d.Summary, d.CancelledAt, d.CancelledBy, d.CancellationReason, d.LastChangedAt,
        new KeyAssuranceLinks($"/api/v1/assurance-periods/{d.Id}", $"/api/v1/assurance-periods/{d.Id}/resource-adjustments"));
}
