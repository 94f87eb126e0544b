using Incidents.Domain;
using Incidents.Domain.Assurance;
using Incidents.Domain.Sla;
using Incidents.Projections.Assurance;
using Incidents.Projections.Incidents;
using Marten;
using Wolverine;

namespace Incidents.Api.Assurance.Windows;

/// <summary>
/// A hint that a period's window opens at <see cref="Start"/>: a durable scheduled message. The handler trusts the stream,
/// not the hint: it opens the window only when the period is still planned for exactly that start, so a duplicated or stale
/// timer (the period was cancelled) does nothing.
/// </summary>
public sealed record KeyAssuranceWindowOpens(Guid PeriodId, DateTimeOffset Start);

/// <summary>A hint that a period's window closes at <see cref="End"/>: the period completes with its summary (same rules).</summary>
public sealed record KeyAssuranceWindowCloses(Guid PeriodId, DateTimeOffset End);

public static class KeyAssuranceWindowHandler
{
    public static Task Handle(KeyAssuranceWindowOpens due, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        CancellationToken ct) =>
        Apply(session, bus, clock, due.PeriodId, ct, (period, now) =>
            Task.FromResult(KeyAssuranceDecider.Decide(new ActivateKeyAssurancePeriod(due.Start, Actor.System), period, now)));

    public static Task Handle(KeyAssuranceWindowCloses due, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        IKeyAssuranceRosters rosters, CancellationToken ct) =>
        Apply(session, bus, clock, due.PeriodId, ct, async (period, now) =>
        {
            // The summary is worth its queries only when the period will complete (not when the timer is stale).
            var summary = period.Status is KeyAssuranceStatus.Planned or KeyAssuranceStatus.Active && period.Window.End == due.End
                ? await SummarizeAsync(session, rosters, period, ct)
                : KeyAssuranceSummary.Of([], 0, 0, 0, null);
            return KeyAssuranceDecider.Decide(new CompleteKeyAssurancePeriod(due.End, summary, Actor.System), period, now);
        });

    private static async Task Apply(IDocumentSession session, IMessageBus bus, TimeProvider clock, Guid periodId, CancellationToken ct,
        Func<KeyAssurancePeriod, DateTimeOffset, Task<Decision>> decide)
    {
        var before = await session.LoadAsync<KeyAssurancePeriodDetails>(periodId, ct);
        if (before?.State is not { } period)
        {
            return;
        }

        var decision = await decide(period, clock.GetUtcNow());
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
