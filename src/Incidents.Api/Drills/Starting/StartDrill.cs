using System.ComponentModel;
using Incidents.Api.Escalation;
using Incidents.Api.Http;
using Incidents.Api.Incidents;
using Incidents.Api.Security;
using Incidents.Api.Sla;
using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Projections.Drills;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Drills.Starting;

public static class DrillStartDueHandler
{
    public static async Task Handle(DrillStartDue due, IDocumentSession session, IMessageBus bus, TimeProvider clock,
        SlaPolicyProvider policies, EscalationPolicyProvider escalation, CancellationToken cancellation)
    {
        session.LastModifiedBy = Actor.System.Id;
        // Refusals (rescheduled, started by hand, cancelled) are the normal fate of a stale timer: nothing to do.
        // A concurrent writer makes the commit throw; Wolverine retries and the retry sees the new state.
        await DrillStarter.Start(session, bus, clock, policies, escalation, due.DrillId, due.PlannedStart, Actor.System, cancellation);
    }
}

/// <summary>
/// Starting a drill: its synthetic incident is reported through the same decider as any report (drill flag, drill id,
/// the SLA policy in force, the first SLA check, the integration events) and <see cref="DrillStarted"/> is appended to
/// the drill, all in one transaction.
/// </summary>
public static class DrillStarter
{
    public const string TitlePrefix = "【演练/DRILL】 ";

    /// <summary>The refusal, or the drill as it started (the changes are saved).</summary>
    public sealed record Outcome(DomainError? Error, DrillDetails? Drill);

    /// <summary>Starts the drill: the refusal, or the drill's document as the start made it (no read-back).</summary>
    public static async Task<Outcome> Start(IDocumentSession session, IMessageBus bus, TimeProvider clock, SlaPolicyProvider policies,
        EscalationPolicyProvider escalation, Guid drillId, DateTimeOffset? forPlannedStart, Actor actor, CancellationToken ct)
    {
        var before = await session.LoadAsync<DrillDetails>(drillId, ct);
        if (before?.State is not { } drill)
        {
            return new Outcome(DrillErrors.NotFound(drillId), null);
        }

        var now = clock.GetUtcNow();
        var incidentId = Guid.CreateVersion7();
        var started = DrillDecider.Decide(new StartDrill(incidentId, forPlannedStart, actor), drill, now);
        if (started.Error is { } refused)
        {
            return new Outcome(refused, null);
        }

        var reported = IncidentDecider.Decide(new ReportIncident(
            incidentId,
            TitlePrefix + drill.Title,
            drill.Scenario.Script,
            drill.Scenario.AffectedSystem,
            drill.Scenario.Class,
            IntakeChannel.Phone,
            new Reporter($"Drill script ({drill.ScheduledBy.Name})", null, null),
            IsDrill: true,
            DrillId: drill.Id,
            policies.Current,
            actor,
            (await escalation.WithDutyAsync(session, ct)).For(drill.Scenario.Class)), null, now);
        if (reported.Error is { } error)
        {
            return new Outcome(error, null);
        }

        await IncidentStream.Stage(session, bus, incidentId, null, reported.Events, now, escalation.Current);
        var after = await DrillStream.Stage(session, bus, drillId, before, started.Events);
        await ScheduleInjects(bus, drill, incidentId, now);
        await session.SaveChangesAsync(ct);
        return new Outcome(null, after);
    }

    /// <summary>One durable timer per inject, at the actual start plus its offset, in the start's transaction.</summary>
    private static async Task ScheduleInjects(IMessageBus bus, Drill drill, Guid incidentId, DateTimeOffset startedAt)
    {
        for (var index = 0; index < drill.Injects.Count; index++)
        {
            var dueAt = startedAt + drill.Injects[index].Offset;
            await bus.ScheduleAsync(new Injecting.DrillInjectDue(drill.Id, index, incidentId, dueAt), dueAt);
        }
    }
}

public static class StartDrillEndpoint
{
    [WolverinePost("/api/v1/drills/{id}/start", OperationId = "startDrill")]
    [EndpointSummary("Start a drill by hand")]
    [EndpointDescription("Reports the drill's synthetic incident now, as the timer would at the planned start (before or " +
        "instead of it).")]
    [Authorize(Policy = Policies.ManageDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<DrillResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post([Description(PathParameters.DrillId)] Guid id, HttpContext http,
        IDocumentSession session, IMessageBus bus, TimeProvider clock,
        SlaPolicyProvider policies, EscalationPolicyProvider escalation)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        Audit.Stamp(session, http, actor);
        DrillStarter.Outcome started;
        try
        {
            started = await DrillStarter.Start(session, bus, clock, policies, escalation, id, null, actor, http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return DrillStream.ConcurrentChange(http, id);
        }

        return started.Error is { } error ? Problems.From(http, error) : DrillStream.Answer(http, started.Drill!);
    }
}
