namespace Incidents.Domain.Incidents;

/// <summary>The contract's incident classes; each has its own response clock.</summary>
public enum IncidentClass
{
    Outage,
    Fault,
    MajorEvent,
    SecurityEvent,
}

/// <summary>How the report reached the hotline desk.</summary>
public enum IntakeChannel
{
    Phone,
    Email,
    InstantMessage,
    Monitoring,
    Other,
}

/// <summary>Where an incident is in its life.</summary>
public enum IncidentStatus
{
    /// <summary>Reported, nobody has acknowledged it yet: the acknowledge clock runs.</summary>
    Reported,

    /// <summary>Someone owns it.</summary>
    Acknowledged,

    /// <summary>At least one responder is on the way, nobody is on site yet.</summary>
    Dispatched,

    /// <summary>At least one responder is on site.</summary>
    OnSite,

    /// <summary>The affected service works again; the cause may still be under investigation.</summary>
    Restored,

    /// <summary>The cause is understood and dealt with; awaiting closure by the desk.</summary>
    Resolved,

    /// <summary>Finished. Can be reopened.</summary>
    Closed,

    /// <summary>A false alarm or a duplicate. Final.</summary>
    Cancelled,
}

/// <summary>Why a resolved incident happened.</summary>
public enum CauseCategory
{
    Hardware,
    Software,
    Network,
    Configuration,
    Capacity,
    Security,
    ThirdParty,
    HumanError,
    Unknown,
    Other,
}

/// <summary>Why an incident was cancelled.</summary>
public enum CancellationReason
{
    FalseAlarm,
    Duplicate,
}

/// <summary>The person who reported the incident and how to reach them back.</summary>
public sealed record Reporter(string Name, string? Phone, string? Email);

/// <summary>An engineer assigned to an incident.</summary>
public sealed record Responder(string Id, string Name, string? Team);
