namespace Incidents.Domain;

/// <summary>The person (or system) who caused a fact: a stable id and a display name, kept on every event.</summary>
public sealed record Actor(string Id, string Name)
{
    public static readonly Actor System = new("system", "Incidents system");
}
