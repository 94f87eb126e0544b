using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Calendar;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Notifications;
using Incidents.Domain.Reports;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using Incidents.Projections.Reports;
using Marten;
using Marten.Exceptions;
using Wolverine;

namespace Incidents.Api.Reports.Opening;

/// <summary>
/// Opens the outage report's draft when an outage or a major event is restored (not for drills, not twice: a restore after
/// a reopen finds the report already there). Runs on the durable local queue after the restore committed.
/// </summary>
public static class IncidentServiceRestoredHandler
{
    public static async Task Handle(IncidentServiceRestored restored, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        ReportDuePolicy policy, CancellationToken ct)
    {
        if (!ReportDecider.NeedsOutageReport(restored.Class, restored.IsDrill))
        {
            return;
        }

        session.LastModifiedBy = Actor.System.Id;
        var id = ReportDecider.IdFor(restored.IncidentId, ReportKind.Outage);
        if (await session.LoadAsync<ReportDetails>(id, ct) is not null)
        {
            return;
        }

        var opened = await ReportOpening.Open(session, bus, clock, policy, restored.IncidentId, ReportKind.Outage, null, Actor.System, ct);
        if (opened.Error is not null)
        {
            return;
        }

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // Another node opened it at the same moment: nothing left to do.
        }
    }
}

/// <summary>Pre-fills and stages a new report from the incident's document and its stream.</summary>
public static class ReportOpening
{
    public sealed record Outcome(DomainError? Error, ReportDetails? Report);

    public static async Task<Outcome> Open(IDocumentSession session, IMessageBus bus, TimeProvider clock, ReportDuePolicy policy,
        Guid incidentId, ReportKind kind, SecurityGrade? grade, Actor by, CancellationToken ct)
    {
        var incident = await session.LoadAsync<IncidentDetails>(incidentId, ct);
        if (incident is null)
        {
            return new Outcome(IncidentErrors.NotFound(incidentId), null);
        }

        var id = ReportDecider.IdFor(incidentId, kind);
        var now = clock.GetUtcNow();
        var facts = await FactsAsync(session, incident, now, ct);
        var decision = ReportDecider.Decide(new OpenReport(id, kind, incidentId, facts, grade, by), null, policy, WorkingDayCalendar.Official, now);
        if (decision.Error is { } error)
        {
            return new Outcome(error, null);
        }

        return new Outcome(null, await ReportStream.Stage(session, bus, id, null, decision.Events));
    }

    /// <summary>What the report starts with: the incident's times against targets, its responders and who was notified.</summary>
    public static async Task<IncidentFacts> FactsAsync(IQuerySession session, IncidentDetails incident, DateTimeOffset now, CancellationToken ct)
    {
        var stages = incident.Sla is { } sla
            ? SlaClock.Evaluate(sla, now).Select(c => new ReportStageFact(c.Stage, c.Target, c.DueAt, c.StoppedAt,
                c.StoppedAt is null ? null : c.Status == SlaStageStatus.Met)).ToList()
            : [];
        // Who was notified: the escalation levels' recipients and every delivered notification, as recorded in the stream.
        var events = await session.Events.FetchStreamAsync(incident.Id, token: ct);
        var notified = events.Select(e => e.Data switch
            {
                NotificationDelivered d => d.Recipient,
                EscalationLevelRaised l => string.Join(", ", l.Recipients),
                _ => null,
            })
            .Where(r => !string.IsNullOrWhiteSpace(r))
            .SelectMany(r => r!.Split(", "))
            .Distinct()
            .ToList();
        return new IncidentFacts(incident.Title, incident.Class, incident.AffectedSystem, incident.ReportedAt, incident.AcknowledgedAt,
            incident.AcknowledgedBy?.Name, incident.FirstArrivalAt, incident.RestoredAt, incident.RestorationSummary,
            incident.RestoredAt - incident.ReportedAt, stages,
            incident.Responders.Select(r => new ReportResponder(r.Id, r.Name, r.Team, r.DispatchedAt, r.ArrivedAt)).ToList(), notified!);
    }
}
