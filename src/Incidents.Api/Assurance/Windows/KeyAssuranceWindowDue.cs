using Incidents.Domain;
using Incidents.Domain.Assurance;
using Incidents.Domain.Sla;
using Incidents.Projections.Assurance;
using Incidents.Projections.Incidents;
using Marten;
using Wolverine;

namespace Incidents.Api.Assurance.Windows;

/// <summary>Which edge of a period's window a timer is for.</summary>
public enum KeyAssuranceEdge
{
    Start,
    End,
}

/// <summary>
/// A hint that a period's window opens (or closes) at <see cref="At"/>: a durable scheduled message. The handler trusts the
/// stream, not the hint: it acts only when the period is still in the state and window the timer was made for, so a
/// duplicated or stale timer (the period was cancelled) does nothing.
/// </summary>
public sealed record KeyAssuranceWindowDue(Guid PeriodId, KeyAssuranceEdge Edge, DateTimeOffset At);

public static class KeyAssuranceWindowDueHandler
{
    public static async Task Handle(KeyAssuranceWindowDue due, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        IKeyAssuranceRosters rosters, CancellationToken ct)
    {
        var before = await session.LoadAsync<KeyAssurancePeriodDetails>(due.PeriodId, ct);
        if (before?.State is not { } period)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var decision = due.Edge == KeyAssuranceEdge.Start
            ? KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(due.At, Actor.System), period, now)
            : period.Status is KeyAssuranceStatus.Planned or KeyAssuranceStatus.Active
                ? KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(due.At, await SummarizeAsync(session, rosters, period, ct), Actor.System),
                    period, now)
                : KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(due.At, KeyAssuranceSummary.Of([], 0, 0, 0, null), Actor.System),
                    period, now);
        if (!decision.IsAccepted)
        {
            // A stale or duplicated timer: the stream already says what it would have said.
            return;
        }

        session.LastModifiedBy = Actor.System.Id;
        await KeyAssuranceStream.Stage(session, bus, period.Id, before, decision.Events);
        // A concurrent writer (a cancellation) makes the commit throw; Wolverine retries and the retry sees the new state.
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// What happened in the window: the incidents reported on a system in scope (drills aside), how many met every SLA stage,
    /// the resource adjustments raised and how many were done in time, and who was on duty when the rosters can say.
    /// </summary>
    public static async Task<KeyAssuranceSummary> SummarizeAsync(IQuerySession session, IKeyAssuranceRosters rosters,
        KeyAssurancePeriod period, CancellationToken ct)
    {
        var (start, end) = (period.Window.Start, period.Window.End);
        var reported = await session.Query<IncidentDetails>()
            .Where(d => d.ReportedAt >= start && d.ReportedAt < end && !d.IsDrill)
            .OrderBy(d => d.ReportedAt)
            .ToListAsync(ct);
        var inScope = reported.Where(d => period.Systems.Contains(d.AffectedSystem, StringComparer.OrdinalIgnoreCase)).ToList();
        var withinSla = inScope.Count(d => d.Sla is not { } sla || sla.Stages.All(f => SlaClock.BreachOf(sla, f, end) is null));

        var adjustments = await session.Query<ResourceAdjustmentDetails>().Where(a => a.PeriodId == period.Id).ToListAsync(ct);
        var inTime = adjustments.Count(a => a.DoneInTime == true);
        var duty = period.RosterId is { } roster ? await rosters.OnDutyAsync(roster, period.Window, ct) : null;
        return KeyAssuranceSummary.Of(inScope.Select(d => d.Id).ToList(), withinSla, adjustments.Count, inTime, duty);
    }
}
