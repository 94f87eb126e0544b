using Incidents.Domain.Incidents;

namespace Incidents.Api.Incidents;

/// <summary>
/// A local message (durable local queue, in the restore's transaction): the service of an incident was restored. The
/// incident's write path announces it and knows nothing of who listens (the outage report opens its draft on it,
/// Reports/Opening); it is not an integration message and never leaves the API.
/// </summary>
public sealed record IncidentServiceRestored(Guid IncidentId, IncidentClass Class, bool IsDrill, DateTimeOffset RestoredAt);
