using Wolverine.Attributes;

namespace Incidents.Api.Drills;

/// <summary>
/// A hint that a drill is planned to start at <see cref="PlannedStart"/>: a durable scheduled message (stored in
/// PostgreSQL, survives restarts, handled once across nodes). The handler trusts the stream, not the hint: it starts
/// the drill only if it is still scheduled for exactly that start, so duplicated or stale timers do no harm.
/// </summary>
[MessageIdentity("Incidents.Api.Drills.Starting.DrillStartDue")] // the name stored timers of earlier versions carry
public sealed record DrillStartDue(Guid DrillId, DateTimeOffset PlannedStart);
