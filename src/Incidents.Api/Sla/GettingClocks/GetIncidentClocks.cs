using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Sla.GettingClocks;

public sealed record SlaStageResource(
    SlaStage Stage,
    SlaStageStatus Status,
    TimeSpan? Target,
    DateTimeOffset StartedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? StoppedAt,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    bool Warning,
    IReadOnlyList<SlaWarningClock> Warnings,
    DateTimeOffset? BreachRecordedFor)
{
    public static SlaStageResource From(SlaStageClock c) => new(c.Stage, c.Status, c.Target, c.StartedAt, c.DueAt, c.StoppedAt,
        c.Elapsed, c.Remaining, c.IsWarning, c.Warnings, c.BreachRecordedFor);
}

/// <summary>The response clock of one incident, evaluated at <c>evaluatedAt</c>.</summary>
public sealed record IncidentClocksResource(
    Guid IncidentId,
    long Version,
    string Policy,
    IncidentClass Class,
    bool IsDrill,
    DateTimeOffset EvaluatedAt,
    IReadOnlyList<SlaStageResource> Stages);

public static class GetIncidentClocksEndpoint
{
    [WolverineGet("/api/v1/incidents/{id}/sla", OperationId = "getIncidentClocks")]
    [EndpointSummary("SLA clocks of an incident")]
    [EndpointDescription("Each stage: status, target, due time, elapsed and remaining time, warnings, breach on record.")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Sla)]
    [ProducesResponseType<IncidentClocksResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.IncidentId)] Guid id, HttpContext http,
        IQuerySession session, TimeProvider clock)
    {
        var view = await session.LoadAsync<IncidentDetails>(id, http.RequestAborted);
        if (view?.Sla is not { } state || !IncidentAccess.MaySee(http, state.IsDrill))
        {
            return Problems.From(http, IncidentErrors.NotFound(id));
        }

        var now = clock.GetUtcNow();
        http.Response.Headers.ETag = ETags.For(view.Version);
        return TypedResults.Ok(new IncidentClocksResource(id, view.Version, $"{state.Policy.Name}@v{state.Policy.Version}", state.Class,
            state.IsDrill, now, SlaClock.Evaluate(state, now).Select(SlaStageResource.From).ToList()));
    }
}
