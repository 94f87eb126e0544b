using Incidents.Domain.Assurance;

namespace Incidents.Api.Assurance;

/// <summary>
/// What key-assurance periods need from the rosters: whether a roster exists (checked when a period is planned) and who was
/// on duty on it during a window, with the hand-offs (recorded in the period's summary). The rosters feature provides the
/// real one; until it is registered, <see cref="NoKeyAssuranceRosters"/> answers "cannot say" and nothing is refused or
/// invented.
/// </summary>
public interface IKeyAssuranceRosters
{
    /// <summary>True or false when the rosters know; null when they cannot say (then the id is kept as given).</summary>
    Task<bool?> ExistsAsync(Guid rosterId, CancellationToken ct);

    /// <summary>The shifts on <paramref name="rosterId"/> during the window and the hand-offs between them; null when unknown.</summary>
    Task<KeyAssuranceDuty?> OnDutyAsync(Guid rosterId, KeyAssuranceWindow window, CancellationToken ct);
}

/// <summary>No rosters registered: every answer is "cannot say".</summary>
public sealed class NoKeyAssuranceRosters : IKeyAssuranceRosters
{
    public Task<bool?> ExistsAsync(Guid rosterId, CancellationToken ct) => Task.FromResult<bool?>(null);

    public Task<KeyAssuranceDuty?> OnDutyAsync(Guid rosterId, KeyAssuranceWindow window, CancellationToken ct) =>
        Task.FromResult<KeyAssuranceDuty?>(null);
}
