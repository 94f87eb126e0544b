namespace Incidents.Domain.Assurance;

/// <summary>The write model of one key-assurance period, rebuilt from its stream by <see cref="Evolve"/>.</summary>
public sealed record KeyAssurancePeriod(
    Guid Id,
    KeyAssuranceStatus Status,
    string Name,
    KeyAssuranceKind Kind,
    KeyAssuranceWindow Window,
    IReadOnlyList<string> Systems,
    Guid? RosterId)
{
    /// <summary>True when an incident on <paramref name="system"/> reported at <paramref name="at"/> falls under this period.</summary>
    public bool Covers(string system, DateTimeOffset at) =>
        Status == KeyAssuranceStatus.Active && Window.Contains(at) && Systems.Contains(system.Trim(), StringComparer.OrdinalIgnoreCase);

    public static KeyAssurancePeriod? Evolve(KeyAssurancePeriod? state, object @event) => (state, @event) switch
    {
        (_, KeyAssurancePeriodPlanned e) => new KeyAssurancePeriod(e.PeriodId, KeyAssuranceStatus.Planned, e.Name, e.Kind,
            new KeyAssuranceWindow(e.Start, e.End), e.Systems, e.RosterId),
        (null, _) => null,
        (var s, KeyAssurancePeriodActivated) => s with { Status = KeyAssuranceStatus.Active },
        (var s, KeyAssurancePeriodCompleted) => s with { Status = KeyAssuranceStatus.Completed },
        (var s, KeyAssurancePeriodCancelled) => s with { Status = KeyAssuranceStatus.Cancelled },
        (var s, _) => s,
    };

    public static KeyAssurancePeriod? From(IEnumerable<object> events) => events.Aggregate((KeyAssurancePeriod?)null, Evolve);
}
