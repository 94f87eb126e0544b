using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Assurance.Adjustments;

/// <summary>What is asked for: which system's resources, what to change, and on whose behalf (the purchaser's contact, say).</summary>
public sealed record RequestResourceAdjustmentRequest(string? System, string? Description, string? RequestedFor);

public sealed class RequestResourceAdjustmentValidator : AbstractValidator<RequestResourceAdjustmentRequest>
{
    public RequestResourceAdjustmentValidator()
    {
        RuleFor(x => x.System).NotEmpty().MaximumLength(FieldLimits.SystemName);
        RuleFor(x => x.Description).NotEmpty().MaximumLength(FieldLimits.Description);
        RuleFor(x => x.RequestedFor).MaximumLength(FieldLimits.PersonName);
    }
}

public static class RequestResourceAdjustmentEndpoint
{
    [WolverinePost("/api/v1/assurance-periods/{id}/resource-adjustments", OperationId = "requestResourceAdjustment")]
    [EndpointSummary("Raise a resource adjustment during a key-assurance period")]
    [EndpointDescription("Records a request to adjust a system's cloud resources (201 with Location and ETag). Its clock " +
        "starts now: done within 2 hours (2.2.6 standard 3; KeyAssurance:ResourceAdjustment:Target), warned at each threshold, " +
        "breached at the due time; each announced on RabbitMQ (exchange incidents.assurance). 409: the period is not active; " +
        "422: the system is not in the period's scope.")]
    [Authorize(Policy = Policies.AdjustResources)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<ResourceAdjustmentResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post([Description(KeyAssurancePaths.PeriodId)] Guid id, RequestResourceAdjustmentRequest? request,
        HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock, KeyAssuranceSettings settings)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new RequestResourceAdjustmentValidator(), request) is { } invalid)
        {
            return invalid;
        }

        if ((await session.LoadAsync<KeyAssurancePeriodDetails>(id, http.RequestAborted))?.State is not { } period)
        {
            return Problems.From(http, KeyAssuranceErrors.NotFound(id));
        }

        var adjustmentId = Guid.CreateVersion7();
        var decision = ResourceAdjustmentDecider.Decide(new RequestResourceAdjustment(adjustmentId, request!.System!.Trim(),
            request.Description!.Trim(), string.IsNullOrWhiteSpace(request.RequestedFor) ? null : request.RequestedFor.Trim(),
            settings.ResourceAdjustment, actor), null, period, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return KeyAssuranceStream.Refused(http, error);
        }

        var details = await ResourceAdjustmentStream.Stage(session, bus, adjustmentId, null, decision.Events);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);
        return ResourceAdjustmentStream.Answer(http, details, created: true);
    }
}
