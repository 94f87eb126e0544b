using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Incidents;
using Incidents.Api.Security;
using Incidents.Domain.Maintenance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Runtime;

namespace Incidents.Api.Maintenance.ForceMajeure;

/// <summary>Why the outage was force majeure.</summary>
public sealed record ForceMajeureClaimRequest(string? Reason);

public sealed class ForceMajeureClaimValidator : AbstractValidator<ForceMajeureClaimRequest>
{
    public ForceMajeureClaimValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
}

/// <summary>An approval: the comment is optional.</summary>
/// <summary>
/// Force majeure on an incident (contract 2.2.6 standard 8): the desk claims it, the purchaser approves or refuses. Each is an
/// event on the incident's own stream, through <see cref="IncidentStep"/> like every other step.
/// </summary>
public static class ForceMajeureEndpoints
{
    [WolverinePost("/api/v1/incidents/{id}/force-majeure", OperationId = "claimForceMajeure")]
    [EndpointSummary("Claim force majeure")]
    [EndpointDescription("The desk records that an outage or major event was caused by force majeure, and why. It counts " +
        "against availability until the purchaser approves it. 422 `force-majeure.not-an-outage` for other classes, " +
        "`force-majeure.drill` for drills; 409 `force-majeure.already-claimed` while a claim waits or after approval.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Contract)]
    [StepResponses<IncidentResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> Claim([Description(PathParameters.IncidentId)] Guid id, ForceMajeureClaimRequest? request, HttpContext http,
        IncidentStep step, MessageContext bus) =>
        RequestValidation.Check(http, new ForceMajeureClaimValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) => ForceMajeureDecider.Claim(incident, request!.Reason!.Trim(), actor, now));

    [WolverinePost("/api/v1/incidents/{id}/force-majeure/approve", OperationId = "approveForceMajeure")]
    [EndpointSummary("Approve force majeure (purchaser)")]
    [EndpointDescription("The purchaser accepts the claim: the incident's outage time is left out of availability and listed, " +
        "with the reason, in the monthly and acceptance reports. Only the purchaser (403 for anyone else). 409 " +
        "`force-majeure.not-claimed` without a waiting claim.")]
    [Authorize(Policy = Policies.ApproveExclusions)]
    [Tags(ApiTags.Contract)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Approve([Description(PathParameters.IncidentId)] Guid id, ApprovalRequest? request, HttpContext http,
        IncidentStep step, MessageContext bus) =>
        RequestValidation.Check(http, new ApprovalValidator(), request ?? new ApprovalRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : Decide(id, approve: true, request?.Comment, http, step, bus);

    [WolverinePost("/api/v1/incidents/{id}/force-majeure/refuse", OperationId = "refuseForceMajeure")]
    [EndpointSummary("Refuse force majeure (purchaser)")]
    [EndpointDescription("The purchaser refuses the claim, saying why; the outage counts as downtime. The desk may claim again. " +
        "Only the purchaser (403 for anyone else).")]
    [Authorize(Policy = Policies.ApproveExclusions)]
    [Tags(ApiTags.Contract)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Refuse([Description(PathParameters.IncidentId)] Guid id, RefusalRequest? request, HttpContext http,
        IncidentStep step, MessageContext bus) =>
        RequestValidation.Check(http, new RefusalValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : Decide(id, approve: false, request!.Comment, http, step, bus);

    private static Task<IResult> Decide(Guid id, bool approve, string? comment, HttpContext http, IncidentStep step, MessageContext bus) =>
        step.Run(http, bus, id, (incident, actor, now) => ForceMajeureDecider.Decide(incident, approve,
            string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), actor, now), ResponderScope.PolicyOnly);
}
