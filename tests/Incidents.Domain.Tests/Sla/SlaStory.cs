using System.Globalization;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests.Sla;

/// <summary>The fixed instants of the SLA stories: every instant is computed from the report time <see cref="T0"/>.</summary>
internal static class SlaTime
{
    /// <summary>When the incident was reported: 2026-12-01 02:00 UTC, a night shift (the clock runs 7x24).</summary>
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Seconds(int seconds) => T0.AddSeconds(seconds);

    public static DateTimeOffset Minutes(int minutes) => T0.AddMinutes(minutes);

    public static DateTimeOffset Hours(int hours) => T0.AddHours(hours);

    /// <summary>A readable form of a notice, for assertions on whole sequences.</summary>
    public static string Describe(object notice) => notice switch
    {
        SlaWarningRaised w => string.Create(CultureInfo.InvariantCulture, $"{w.Stage} warning {w.Threshold} at +{w.At - T0} (due +{w.DueAt - T0})"),
        SlaBreached b => string.Create(CultureInfo.InvariantCulture, $"{b.Stage} breach at +{b.At - T0} (due +{b.DueAt - T0}, target {b.Target})"),
        _ => notice.GetType().Name,
    };
}

/// <summary>
/// An incident's stream told as a story: each step appends one event, stamped with the instant given. Immutable, so
/// one story can branch into several.
/// </summary>
internal sealed record SlaStory(IReadOnlyList<object> Events, IncidentClass Class)
{
    public static readonly Guid IncidentId = Guid.Parse("5a1a0c10-c0c0-4d00-8000-000000000001");

    public static readonly Actor Desk = new("desk.li", "Li Na (hotline desk)");

    public static readonly Actor DutyEngineer = new("eng.zhang", "Zhang Wei (on duty)");

    public static SlaStory Reported(IncidentClass incidentClass, SlaPolicy? policy = null) => new(
        [
            new IncidentReported(
                IncidentId,
                "Claims analysis portal unreachable",
                "Users get HTTP 502 on every page of the claims analysis portal.",
                "claims-analysis-portal",
                incidentClass,
                IntakeChannel.Monitoring,
                new Reporter("Liu Yang", "+86 10 5555 0100", null),
                IsDrill: false,
                DrillId: null,
                policy ?? SlaPolicy.ContractDefault,
                Desk,
                SlaTime.T0),
        ],
        incidentClass);

    /// <summary>The latest instant the story has reached: its last event or check.</summary>
    public DateTimeOffset AsOf { get; init; } = SlaTime.T0;

    public SlaStory Then(object @event) => this with
    {
        Events = [.. Events, @event],
        AsOf = @event is IIncidentEvent e && e.At > AsOf ? e.At : AsOf,
    };

    public SlaStory Acknowledged(DateTimeOffset at) => Then(new IncidentAcknowledged(IncidentId, DutyEngineer, at));

    public SlaStory ArrivedOnSite(DateTimeOffset at, string responderId = "eng.zhang") =>
        Then(new ResponderArrivedOnSite(IncidentId, responderId, DutyEngineer, at));

    public SlaStory Restored(DateTimeOffset at) => Then(new ServiceRestored(IncidentId, "Traffic moved to the standby node.", DutyEngineer, at));

    public SlaStory Resolved(DateTimeOffset at) =>
        Then(new IncidentResolved(IncidentId, "Power supply of LB node 2 failed; node replaced.", CauseCategory.Hardware, DutyEngineer, at));

    public SlaStory Closed(DateTimeOffset at) => Then(new IncidentClosed(IncidentId, 5, "Quick and clear updates.", Desk, at));

    public SlaStory Reopened(DateTimeOffset at) => Then(new IncidentReopened(IncidentId, "Portal down again.", Desk, at));

    public SlaStory Cancelled(DateTimeOffset at) =>
        Then(new IncidentCancelled(IncidentId, CancellationReason.FalseAlarm, null, "The caller's own office network was down.", DutyEngineer, at));

    public SlaStory Reclassified(IncidentClass to, DateTimeOffset at) =>
        Then(new IncidentReclassified(IncidentId, Class, to, "Reassessed by the duty engineer.", Desk, at)) with { Class = to };

    /// <summary>The notices the SLA check appended (as the durable scheduler does after <see cref="SlaClock.DueNotices"/>).</summary>
    public SlaStory Recorded(IEnumerable<object> notices) => this with { Events = [.. Events, .. notices] };

    /// <summary>Runs the SLA check at <paramref name="now"/> and records whatever it produced.</summary>
    public SlaStory CheckedAt(DateTimeOffset now) => Recorded(SlaClock.DueNotices(State, now)) with { AsOf = now > AsOf ? now : AsOf };

    public SlaClockState State => SlaClock.From(Events) ?? throw new InvalidOperationException("A story starts with IncidentReported.");

    public SlaStageClock Clock(SlaStage stage, DateTimeOffset now) => SlaClock.Evaluate(State, now).Single(c => c.Stage == stage);

    public IReadOnlyList<object> DueNotices(DateTimeOffset now) => SlaClock.DueNotices(State, now);

    public DateTimeOffset? NextCheckAt => SlaClock.NextCheckAt(State, AsOf);

    public static SlaWarningRaised Warning(SlaStage stage, double threshold, DateTimeOffset dueAt, DateTimeOffset at) =>
        new(IncidentId, stage, threshold, dueAt, Actor.System, at);

    public static SlaBreached Breach(SlaStage stage, TimeSpan target) =>
        new(IncidentId, stage, target, SlaTime.T0 + target, Actor.System, SlaTime.T0 + target);
}

/// <summary>
/// Mimics the durable scheduler: one check per incident, scheduled at <see cref="SlaClock.NextCheckAt"/>; when it fires
/// it appends <see cref="SlaClock.DueNotices"/> and schedules the next. The lifecycle events of the story are appended
/// at their own instants in between. While the scheduler is down, checks that fall due fire when it comes back.
/// </summary>
internal static class DurableScheduler
{
    public sealed record Outcome(SlaClockState State, IReadOnlyList<object> Stream, IReadOnlyList<object> Notices, IReadOnlyList<DateTimeOffset> Checks);

    public static Outcome Run(SlaStory story, DateTimeOffset? downFrom = null, DateTimeOffset? downUntil = null)
    {
        var reported = story.Events[0];
        var state = SlaClock.Evolve(null, reported).ShouldNotBeNull();
        var stream = new List<object> { reported };
        var notices = new List<object>();
        var checks = new List<DateTimeOffset>();
        var lifecycle = new Queue<object>(story.Events.Skip(1));
        var clock = ((IIncidentEvent)reported).At;

        for (var step = 0; step < 500; step++)
        {
            DateTimeOffset? fireAt = SlaClock.NextCheckAt(state, clock) is { } next ? (next > clock ? next : clock) : null;
            if (fireAt is { } f && downFrom is { } from && downUntil is { } until && f >= from && f < until)
            {
                fireAt = until;
            }

            if (lifecycle.TryPeek(out var pending) && (fireAt is null || ((IIncidentEvent)pending).At <= fireAt))
            {
                lifecycle.Dequeue();
                state = SlaClock.Evolve(state, pending).ShouldNotBeNull();
                stream.Add(pending);
                clock = ((IIncidentEvent)pending).At;
                continue;
            }

            if (fireAt is not { } now)
            {
                return new Outcome(state, stream, notices, checks);
            }

            var produced = SlaClock.DueNotices(state, now);
            produced.ShouldNotBeEmpty($"NextCheckAt scheduled a check at +{now - SlaTime.T0} but DueNotices had nothing to say then");
            checks.Add(now);
            foreach (var notice in produced)
            {
                state = SlaClock.Evolve(state, notice).ShouldNotBeNull();
                stream.Add(notice);
                notices.Add(notice);
            }

            clock = now;
        }

        throw new ShouldAssertException("The scheduler never ran out of checks: NextCheckAt keeps coming back.");
    }
}
