using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Maintenance;
using Incidents.Projections.Maintenance;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace Incidents.Api.Maintenance.Deciding;

public static class DecideMaintenanceWindowEndpoint
{
    [WolverinePost("/api/v1/maintenance-windows/{id}/approve", OperationId = "approveMaintenanceWindow")]
    [EndpointSummary("Approve planned maintenance (purchaser)")]
    [EndpointDescription("The purchaser approves an announced window before it starts; outage time inside it on its systems is " +
        "then left out of availability and listed in the monthly report. Only the purchaser (403 for anyone else). 409 " +
        "`maintenance.already-decided` for a window already approved or refused, `maintenance.already-started` once it started.")]
    [Authorize(Policy = Policies.ApproveExclusions)]
    [Tags(ApiTags.Contract)]
    [StepResponses<MaintenanceWindowResource>]
    public static Task<IResult> Approve([Description(PathParameters.MaintenanceWindowId)] Guid id, ApprovalRequest? request,
        HttpContext http, IDocumentSession session, TimeProvider clock) =>
        RequestValidation.Check(http, new ApprovalValidator(), request ?? new ApprovalRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : Decide(id, approve: true, request?.Comment, http, session, clock);

    [WolverinePost("/api/v1/maintenance-windows/{id}/refuse", OperationId = "refuseMaintenanceWindow")]
    [EndpointSummary("Refuse planned maintenance (purchaser)")]
    [EndpointDescription("The purchaser refuses an announced window, saying why; outage time inside it counts as downtime. " +
        "Only the purchaser (403 for anyone else). 409 `maintenance.already-decided` for a window already decided.")]
    [Authorize(Policy = Policies.ApproveExclusions)]
    [Tags(ApiTags.Contract)]
    [StepResponses<MaintenanceWindowResource>]
    public static Task<IResult> Refuse([Description(PathParameters.MaintenanceWindowId)] Guid id, RefusalRequest? request,
        HttpContext http, IDocumentSession session, TimeProvider clock) =>
        RequestValidation.Check(http, new RefusalValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : Decide(id, approve: false, request!.Comment, http, session, clock);

    private static async Task<IResult> Decide(Guid id, bool approve, string? text, HttpContext http,
        IDocumentSession session, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        var stream = await session.Events.FetchForWriting<MaintenanceWindowDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } window } before)
        {
            return Problems.From(http, MaintenanceErrors.NotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return Problems.StaleVersion(http, id, seen, before.Version);
        }

        var comment = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var decision = MaintenanceDecider.Decide(new DecideMaintenanceWindow(approve, comment, actor), window, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = MaintenanceStream.Stage(session, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return Problems.ConcurrentChange(http, id);
        }

        return MaintenanceStream.Answer(http, after);
    }
}
