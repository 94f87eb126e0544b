using Incidents.Domain.Incidents;

namespace Incidents.Domain.Intake;

public enum AlertAction
{
    Trigger,
    Acknowledge,
    Resolve,
}

/// <summary>
/// One alert as the intake understands it, whatever API it came through. <see cref="Occurrence"/> names this firing or
/// resolution of the key (Alertmanager: its startsAt; the generic API: occurredAt) so that a resend of the same alert is
/// recognised; null means every send counts.
/// </summary>
public sealed record IncomingAlert(
    int Index,
    string DedupKey,
    AlertAction Action,
    string System,
    IncidentClass Class,
    string Summary,
    string Description,
    string? Severity,
    DateTimeOffset? OccurredAt,
    string? Occurrence,
    DateTimeOffset? EndedAt = null);

/// <summary>Where one key of one integration stands: the incident it lives on, its count and the occurrences already seen.</summary>
public sealed record AlertKeyState(Guid IncidentId, int Count, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, bool Firing,
    IReadOnlyList<string> Occurrences);

/// <summary>The incident an integration last opened for a system.</summary>
public sealed record AlertGroupHead(Guid IncidentId, DateTimeOffset OpenedAt);

/// <summary>An incident the integration opened, kept for the storm limit's window.</summary>
public sealed record AlertOpening(Guid IncidentId, string System, DateTimeOffset At);

/// <summary>What the intake needs to know about an incident alerts may land on.</summary>
public sealed record AlertTarget(Guid Id, Incident? State, int DistinctAlerts, int Firing, bool IsStorm)
{
    public bool IsActive => State?.IsActive ?? true;
}

/// <summary>The integration's intake state (grouping heads per system, recent openings) and the keys a batch touches.</summary>
public sealed record IntakeSnapshot(
    IReadOnlyDictionary<string, AlertGroupHead> Groups,
    IReadOnlyList<AlertOpening> Openings,
    IReadOnlyDictionary<string, AlertKeyState> Keys,
    IReadOnlyDictionary<Guid, AlertTarget> Incidents);

public enum AlertOutcome
{
    /// <summary>Opened a new incident.</summary>
    Opened,

    /// <summary>Added to an open incident (same key, same system within the grouping window, or a storm).</summary>
    Added,

    /// <summary>The same occurrence again (a resend or a retry): nothing new recorded.</summary>
    Duplicate,

    Recovered,

    Acknowledged,

    /// <summary>A resolve or acknowledge for a key nobody knows: nothing to record it on.</summary>
    Unmatched,
}

public sealed record AlertResult(int Index, AlertOutcome Outcome, Guid? IncidentId);

/// <summary>What a batch does to one incident: opens it with <see cref="Opens"/> (the first alert), then appends <see cref="Events"/>.</summary>
public sealed class IncidentAlertPlan(Guid id)
{
    public Guid Id { get; } = id;

    public IncomingAlert? Opens { get; set; }

    public List<object> Events { get; } = [];

    /// <summary>"resolved" was configured to record the service restored and the last firing alert recovered.</summary>
    public bool RecordRestored { get; set; }
}

public sealed record IntakePlan(
    IReadOnlyList<IncidentAlertPlan> Incidents,
    IReadOnlyDictionary<string, AlertKeyState> Keys,
    IReadOnlyDictionary<string, AlertGroupHead> Groups,
    IReadOnlyList<AlertOpening> Openings,
    IReadOnlyList<AlertResult> Results);

/// <summary>
/// Deduplication and grouping as a pure function of the integration's intake state, the keys' states and the incidents
/// they touch (docs/intake.md):
/// <list type="bullet">
/// <item>the same key while its incident is open adds to it (count, first and last seen); the same occurrence again is a duplicate;</item>
/// <item>a system's alerts within the grouping window of its incident fold into it;</item>
/// <item>once the integration opened <see cref="AlertMapping.StormLimit"/> incidents within the storm window, further alerts fold
/// into an open incident of the same system, else the latest opened, which is marked as a storm;</item>
/// <item>resolves and acknowledgements are recorded, never closing anything.</item>
/// </list>
/// </summary>
public static class IntakeDecider
{
    /// <summary>Keys an incident records one event each for; beyond, alerts are counted in one summary per batch.</summary>
    public const int DetailedKeysPerIncident = 100;

    /// <summary>Occurrences remembered per key (Alertmanager resends the current one; older ones do not come back).</summary>
    public const int RememberedOccurrences = 16;

    public static IntakePlan Decide(AlertIntegration integration, IReadOnlyList<IncomingAlert> alerts, IntakeSnapshot snapshot,
        DateTimeOffset now, Func<Guid> newId)
    {
        var mapping = integration.Mapping;
        var by = integration.Actor;
        var keys = new Dictionary<string, AlertKeyState>();
        var groups = snapshot.Groups.ToDictionary();
        var openings = snapshot.Openings.Where(o => now - o.At < mapping.StormWindow).ToList();
        var targets = snapshot.Incidents.ToDictionary();
        var plans = new Dictionary<Guid, IncidentAlertPlan>();
        var received = new Dictionary<(Guid, string), int>();
        var counted = new Dictionary<Guid, (int Received, int NewKeys, int Firing, DateTimeOffset First, DateTimeOffset Last)>();
        var results = new List<AlertResult>();

        AlertKeyState? KeyOf(string key) => keys.TryGetValue(key, out var k) ? k : snapshot.Keys.GetValueOrDefault(key);
        IncidentAlertPlan Plan(Guid id) => plans.TryGetValue(id, out var p) ? p : plans[id] = new IncidentAlertPlan(id);
        bool Active(Guid id) => targets.TryGetValue(id, out var t) && t.IsActive;

        void Storm(Guid id, string reason)
        {
            if (targets[id] is { IsStorm: false } target)
            {
                targets[id] = target with { IsStorm = true };
                Plan(id).Events.Add(new AlertStormDetected(id, integration.Id, reason, by, now));
            }
        }

        foreach (var alert in alerts)
        {
            var occurrence = alert.Occurrence is null ? null : $"{alert.Action}:{alert.Occurrence}".ToLowerInvariant();
            var key = KeyOf(alert.DedupKey);
            if (occurrence is not null && key is not null && key.Occurrences.Contains(occurrence))
            {
                results.Add(new AlertResult(alert.Index, AlertOutcome.Duplicate, key.IncidentId));
                continue;
            }

            if (alert.Action != AlertAction.Trigger)
            {
                if (key is null)
                {
                    results.Add(new AlertResult(alert.Index, AlertOutcome.Unmatched, null));
                    continue;
                }

                var plan = Plan(key.IncidentId);
                if (alert.Action == AlertAction.Resolve)
                {
                    plan.Events.Add(new AlertRecovered(key.IncidentId, integration.Id, alert.DedupKey, alert.EndedAt, key.Firing, by, now));
                    if (targets.TryGetValue(key.IncidentId, out var target) && key.Firing)
                    {
                        targets[key.IncidentId] = target = target with { Firing = Math.Max(0, target.Firing - 1) };
                        plan.RecordRestored = mapping.ResolvedRecordsRestored && target.Firing == 0 && target.IsActive;
                    }
                }
                else
                {
                    plan.Events.Add(new AlertAcknowledgedAtSource(key.IncidentId, integration.Id, alert.DedupKey, by, now));
                }

                keys[alert.DedupKey] = key with { Firing = alert.Action != AlertAction.Resolve && key.Firing, Occurrences = Remember(key.Occurrences, occurrence) };
                results.Add(new AlertResult(alert.Index, alert.Action == AlertAction.Resolve ? AlertOutcome.Recovered : AlertOutcome.Acknowledged, key.IncidentId));
                continue;
            }

            // A trigger: find the incident it belongs on, or open one.
            Guid incidentId;
            var outcome = AlertOutcome.Added;
            if (key is not null && Active(key.IncidentId))
            {
                incidentId = key.IncidentId;
            }
            else if (groups.TryGetValue(alert.System, out var group) && Active(group.IncidentId) && now - group.OpenedAt < mapping.GroupingWindow)
            {
                incidentId = group.IncidentId;
            }
            else if (openings.Count >= mapping.StormLimit
                && (Active(groups.GetValueOrDefault(alert.System)?.IncidentId ?? Guid.Empty)
                    ? groups[alert.System].IncidentId
                    : openings.Select(o => o.IncidentId).LastOrDefault(Active)) is var stormHome && stormHome != Guid.Empty)
            {
                incidentId = stormHome;
                Storm(incidentId, $"The integration opened {openings.Count} incidents within {mapping.StormWindow}; further alerts are added here.");
            }
            else
            {
                incidentId = newId();
                outcome = AlertOutcome.Opened;
                Plan(incidentId).Opens = alert;
                targets[incidentId] = new AlertTarget(incidentId, null, 0, 0, false);
                groups[alert.System] = new AlertGroupHead(incidentId, now);
                openings.Add(new AlertOpening(incidentId, alert.System, now));
            }

            var newOnIncident = key is null || key.IncidentId != incidentId;
            var startsFiring = newOnIncident || !key!.Firing;
            var count = newOnIncident ? 1 : key!.Count + 1;
            var first = newOnIncident ? now : key!.FirstSeenAt;
            var home = targets[incidentId];
            targets[incidentId] = home = home with
            {
                DistinctAlerts = home.DistinctAlerts + (newOnIncident ? 1 : 0),
                Firing = home.Firing + (startsFiring ? 1 : 0),
            };
            keys[alert.DedupKey] = new AlertKeyState(incidentId, count, first, now, true, Remember(newOnIncident ? [] : key!.Occurrences, occurrence));

            if (newOnIncident && home.DistinctAlerts > DetailedKeysPerIncident)
            {
                var c = counted.TryGetValue(incidentId, out var so) ? so : (Received: 0, NewKeys: 0, Firing: 0, First: now, Last: now);
                counted[incidentId] = (c.Received + 1, c.NewKeys + 1, c.Firing + 1, c.First, now);
                Storm(incidentId, $"More than {DetailedKeysPerIncident} alert keys on one incident; further keys are counted in summaries.");
            }
            else if (received.TryGetValue((incidentId, alert.DedupKey), out var slot))
            {
                // The same key again in this batch: one event accounts for both.
                var plan = Plan(incidentId);
                var earlier = (AlertReceived)plan.Events[slot];
                plan.Events[slot] = earlier with
                {
                    Count = count, Received = earlier.Received + 1, LastSeenAt = now, OccurredAt = earlier.OccurredAt ?? alert.OccurredAt,
                };
            }
            else
            {
                var plan = Plan(incidentId);
                received[(incidentId, alert.DedupKey)] = plan.Events.Count;
                plan.Events.Add(new AlertReceived(incidentId, integration.Id, alert.DedupKey, alert.System, alert.Summary, alert.Severity,
                    count, 1, first, now, alert.OccurredAt, startsFiring, by, now));
            }

            results.Add(new AlertResult(alert.Index, outcome, incidentId));
        }

        foreach (var (id, c) in counted)
        {
            Plan(id).Events.Add(new AlertsCounted(id, integration.Id, c.Received, c.NewKeys, c.Firing, c.First, c.Last, by, now));
        }

        return new IntakePlan(plans.Values.ToList(), keys, groups, openings, results.OrderBy(r => r.Index).ToList());
    }

    private static IReadOnlyList<string> Remember(IReadOnlyList<string> seen, string? occurrence) =>
        occurrence is null ? seen : [.. seen.Skip(Math.Max(0, seen.Count - RememberedOccurrences + 1)), occurrence];

    /// <summary>
    /// The occurred-at rule for every intake path (alerts and the desk): not in the future, not after the report, not more
    /// than 7 days before it. Null when acceptable, else why not.
    /// </summary>
    public static string? OccurredAtProblem(DateTimeOffset occurredAt, DateTimeOffset reportedAt) =>
        occurredAt > reportedAt ? "occurredAt may not be in the future or after the report time."
        : reportedAt - occurredAt > AlertLimits.OccurredAtReach ? "occurredAt may not be more than 7 days before the report time."
        : null;
}
