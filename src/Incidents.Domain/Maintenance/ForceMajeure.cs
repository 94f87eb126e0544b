using Incidents.Domain.Incidents;

namespace Incidents.Domain.Maintenance;

/// <summary>A force-majeure fact on an incident's stream (claimed by the desk, decided by the purchaser).</summary>
public interface IForceMajeureEvent : IIncidentEvent;

/// <summary>The desk says the outage was caused by force majeure (2.2.6 standard 8) and why; it waits for the purchaser.</summary>
public sealed record ForceMajeureClaimed(Guid IncidentId, string Reason, Actor By, DateTimeOffset At) : IForceMajeureEvent;

/// <summary>The purchaser accepted the claim: the incident's outage time no longer counts against availability.</summary>
public sealed record ForceMajeureApproved(Guid IncidentId, string? Comment, Actor By, DateTimeOffset At) : IForceMajeureEvent;

/// <summary>The purchaser refused the claim: the outage counts as downtime. The desk may claim again with a better reason.</summary>
public sealed record ForceMajeureRefused(Guid IncidentId, string Comment, Actor By, DateTimeOffset At) : IForceMajeureEvent;

public enum ForceMajeureStatus
{
    Claimed,
    Approved,
    Refused,
}

/// <summary>Where an incident's force-majeure claim stands (the part of the write model <see cref="ForceMajeureDecider"/> reads).</summary>
public sealed record ForceMajeureState(ForceMajeureStatus Status, string Reason)
{
    public static readonly Type[] EventTypes = [typeof(ForceMajeureClaimed), typeof(ForceMajeureApproved), typeof(ForceMajeureRefused)];

    public static ForceMajeureState? Evolve(ForceMajeureState? state, IForceMajeureEvent @event) => @event switch
    {
        ForceMajeureClaimed e => new ForceMajeureState(ForceMajeureStatus.Claimed, e.Reason),
        ForceMajeureApproved when state is not null => state with { Status = ForceMajeureStatus.Approved },
        ForceMajeureRefused when state is not null => state with { Status = ForceMajeureStatus.Refused },
        _ => state,
    };
}

public static class ForceMajeureErrors
{
    public static DomainError NotAnOutage(Guid id, IncidentClass @class) =>
        new("force-majeure.not-an-outage", "Not an outage",
            $"Incident {id} is a {@class}; only outages and major events count against availability, so only they are excluded.",
            DomainErrorKind.Unprocessable);

    public static DomainError Drill(Guid id) =>
        new("force-majeure.drill", "A drill", $"Incident {id} is a drill; drills never count against availability.", DomainErrorKind.Unprocessable);

    public static DomainError Cancelled(Guid id) =>
        new("force-majeure.cancelled", "Incident cancelled", $"Incident {id} was cancelled; it does not count against availability.");

    public static DomainError AlreadyClaimed(Guid id, ForceMajeureStatus status) =>
        new("force-majeure.already-claimed", "Already claimed",
            $"Incident {id} already has a force-majeure claim ({status.ToString().ToLowerInvariant()}).");

    public static DomainError NotClaimed(Guid id) =>
        new("force-majeure.not-claimed", "No claim to decide", $"Incident {id} has no force-majeure claim waiting for a decision.");
}

/// <summary>
/// Force majeure (issue #13 item 4; contract 2.2.6 standard 8): the desk claims it on an outage or major event, the purchaser
/// approves or refuses once; a refused claim may be made again. Only an approved claim excludes the outage.
/// </summary>
public static class ForceMajeureDecider
{
    public static Decision Claim(Incident incident, string reason, Actor by, DateTimeOffset now)
    {
        if (incident.IsDrill)
        {
            return ForceMajeureErrors.Drill(incident.Id);
        }

        if (incident.Class is not (IncidentClass.Outage or IncidentClass.MajorEvent))
        {
            return ForceMajeureErrors.NotAnOutage(incident.Id, incident.Class);
        }

        if (incident.Status == IncidentStatus.Cancelled)
        {
            return ForceMajeureErrors.Cancelled(incident.Id);
        }

        if (incident.ForceMajeure is { Status: not ForceMajeureStatus.Refused } claim)
        {
            return ForceMajeureErrors.AlreadyClaimed(incident.Id, claim.Status);
        }

        return Decision.Accept(new ForceMajeureClaimed(incident.Id, reason, by, now));
    }

    public static Decision Decide(Incident incident, bool approve, string? comment, Actor by, DateTimeOffset now)
    {
        if (incident.ForceMajeure is not { Status: ForceMajeureStatus.Claimed })
        {
            return incident.ForceMajeure is { } decided
                ? ForceMajeureErrors.AlreadyClaimed(incident.Id, decided.Status)
                : ForceMajeureErrors.NotClaimed(incident.Id);
        }

        return approve
            ? Decision.Accept(new ForceMajeureApproved(incident.Id, comment, by, now))
            : Decision.Accept(new ForceMajeureRefused(incident.Id, comment ?? "", by, now));
    }
}
