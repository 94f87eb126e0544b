using System.Collections.Immutable;

namespace Incidents.Domain.Incidents;

/// <summary>Where one responder is: assigned, on the way, on site.</summary>
public enum ResponderStage
{
    Assigned,
    Dispatched,
    OnSite,
}

/// <summary>
/// The write model of one incident: only what the deciders need, rebuilt from the stream by <see cref="Evolve"/>.
/// </summary>
public sealed record Incident(
    Guid Id,
    IncidentStatus Status,
    IncidentClass Class,
    bool IsDrill,
    DateTimeOffset ReportedAt,
    bool IsAcknowledged,
    bool IsServiceRestored,
    ImmutableDictionary<string, ResponderStage> Responders)
{
    public string Title { get; init; } = "";

    public string AffectedSystem { get; init; } = "";

    /// <summary>A force-majeure claim and the purchaser's decision on it (Maintenance/ForceMajeure.cs).</summary>
    public Maintenance.ForceMajeureState? ForceMajeure { get; init; }

    /// <summary>
    /// When the latest comments were added, oldest first, at most <see cref="CommentLimit.MaxPerHour"/> of them: enough to
    /// tell whether another comment would exceed the hourly cap (<see cref="CommentLimit"/>).
    /// </summary>
    public ImmutableList<DateTimeOffset> RecentComments { get; init; } = [];

    /// <summary>Open incidents can still be worked: everything before resolved.</summary>
    public bool IsActive => Status is IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched
        or IncidentStatus.OnSite or IncidentStatus.Restored;

    public static Incident Open(IncidentReported reported) => new(
        reported.IncidentId,
        IncidentStatus.Reported,
        reported.Class,
        reported.IsDrill,
        reported.At,
        IsAcknowledged: false,
        IsServiceRestored: false,
        ImmutableDictionary<string, ResponderStage>.Empty)
    {
        Title = reported.Title,
        AffectedSystem = reported.AffectedSystem,
    };

    /// <summary>Applies one fact to the state. Unknown events leave the state unchanged.</summary>
    public static Incident? Evolve(Incident? state, object @event) => (state, @event) switch
    {
        (_, IncidentReported e) => Open(e),
        (null, _) => null,
        (var s, IncidentReclassified e) => s with { Class = e.To },
        (var s, IncidentAcknowledged) => s with { Status = IncidentStatus.Acknowledged, IsAcknowledged = true },
        (var s, ResponderAssigned e) => s with { Responders = s.Responders.SetItem(e.Responder.Id, ResponderStage.Assigned) },
        (var s, ResponderDispatched e) => s with
        {
            Responders = s.Responders.SetItem(e.ResponderId, ResponderStage.Dispatched),
            Status = s.Status == IncidentStatus.Acknowledged ? IncidentStatus.Dispatched : s.Status,
        },
        (var s, ResponderArrivedOnSite e) => s with
        {
            Responders = s.Responders.SetItem(e.ResponderId, ResponderStage.OnSite),
            Status = s.Status is IncidentStatus.Acknowledged or IncidentStatus.Dispatched ? IncidentStatus.OnSite : s.Status,
        },
        (var s, ServiceRestored) => s with { Status = IncidentStatus.Restored, IsServiceRestored = true },
        (var s, IncidentResolved) => s with { Status = IncidentStatus.Resolved },
        (var s, IncidentClosed) => s with { Status = IncidentStatus.Closed },
        (var s, IncidentReopened) => s with
        {
            // A reopened incident is worked again by whoever owns it; the problem is back, so is the outage.
            Status = IncidentStatus.Acknowledged,
            IsServiceRestored = false,
            Responders = ImmutableDictionary<string, ResponderStage>.Empty,
        },
        (var s, IncidentCancelled) => s with { Status = IncidentStatus.Cancelled },
        (var s, IncidentCommentAdded e) => s with { RecentComments = CommentLimit.Remember(s.RecentComments, e.At) },
        (var s, Maintenance.IForceMajeureEvent e) => s with { ForceMajeure = Maintenance.ForceMajeureState.Evolve(s.ForceMajeure, e) },
        (var s, _) => s,
    };

    /// <summary>Rebuilds the state from a whole stream.</summary>
    public static Incident? From(IEnumerable<object> events) => events.Aggregate((Incident?)null, Evolve);
}
