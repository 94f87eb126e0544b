namespace Incidents.Domain.Duty.Rosters;

/// <summary>
/// The write model of one roster, rebuilt from its stream: every schedule change and override with the instant it was
/// recorded, so that the roster can also be read as it stood at any earlier instant (<see cref="AsOf"/>).
/// </summary>
public sealed record Roster(
    Guid Id,
    string Name,
    string? Role,
    string TimeZone,
    bool Is24x7,
    IReadOnlyList<RosterSchedule> Changes,
    IReadOnlyList<RosterOverride> Overrides,
    DateTimeOffset CreatedAt)
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public static Roster? Evolve(Roster? state, object @event) => (state, @event) switch
    {
        (_, RosterCreated e) => new Roster(e.RosterId, e.Name, e.Role, e.TimeZone, e.Is24x7, [], [], e.At),
        (null, _) => null,
        (var s, RosterScheduleChanged e) => s with { Changes = [.. s.Changes, new RosterSchedule(e.EffectiveFrom, e.Layers, e.At)] },
        (var s, RosterOverrideAdded e) => s with
        {
            Overrides = [.. s.Overrides, new RosterOverride(e.OverrideId, e.PersonId, e.From, e.To, e.Reason, e.SwapId, e.At, null)],
        },
        (var s, RosterOverrideCancelled e) => s with
        {
            Overrides = s.Overrides.Select(o => o.Id == e.OverrideId ? o with { CancelledAt = e.At } : o).ToList(),
        },
        (var s, _) => s,
    };

    public static Roster? From(IEnumerable<object> events) => events.Aggregate((Roster?)null, Evolve);

    /// <summary>The roster as it was known at <paramref name="knownAt"/>: only what had been recorded by then.</summary>
    public Roster AsOf(DateTimeOffset knownAt) => this with
    {
        Changes = Changes.Where(c => c.RecordedAt <= knownAt).ToList(),
        Overrides = Overrides.Where(o => o.RecordedAt <= knownAt)
            .Select(o => o.CancelledAt > knownAt ? o with { CancelledAt = null } : o).ToList(),
    };

    /// <summary>
    /// The schedules in force, in time order: each change replaces, from its effective instant on, whatever earlier
    /// records said about that time; what it says about earlier instants is untouched.
    /// </summary>
    public IReadOnlyList<RosterSchedule> Timeline()
    {
        var timeline = new List<RosterSchedule>();
        foreach (var change in Changes.OrderBy(c => c.RecordedAt))
        {
            timeline.RemoveAll(s => s.EffectiveFrom >= change.EffectiveFrom);
            timeline.Add(change);
        }

        return timeline;
    }
}
