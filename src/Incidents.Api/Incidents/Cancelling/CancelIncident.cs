using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Cancelling;

public sealed record CancelIncidentRequest(CancellationReason? Reason, Guid? DuplicateOf, string? Explanation);

public sealed class CancelIncidentValidator : AbstractValidator<CancelIncidentRequest>
{
    public CancelIncidentValidator()
    {
        RuleFor(x => x.Reason).NotNull().IsInEnum();
        RuleFor(x => x.Explanation).NotEmpty().MaximumLength(FieldLimits.Reason);
        RuleFor(x => x.DuplicateOf).NotNull().When(x => x.Reason == CancellationReason.Duplicate)
            .WithMessage("'Duplicate Of' must name the original incident when the reason is duplicate.");
        RuleFor(x => x.DuplicateOf).NotEqual(Guid.Empty);
    }
}

public static class CancelIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/cancel", OperationId = "cancelIncident")]
    [EndpointSummary("Cancel")]
    [EndpointDescription("A false alarm, or a duplicate of another incident (which must exist: 422 otherwise, or for a duplicate of " +
        "itself). Final.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, CancelIncidentRequest? request,
        HttpContext http, IQuerySession session,
        IncidentStep step, MessageContext bus)
    {
        if (RequestValidation.Check(http, new CancelIncidentValidator(), request) is { } invalid)
        {
            return invalid;
        }

        if (request!.DuplicateOf is { } original && original != id
            && await session.Events.FetchStreamStateAsync(original, http.RequestAborted) is null)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status422UnprocessableEntity, "incident.duplicate-of-unknown",
                "Original incident not found", $"Incident {original} named as the original does not exist."));
        }

        return await step.Run(http, bus, id, (incident, actor, now) => IncidentDecider.Decide(
            new CancelIncident(request.Reason!.Value, request.DuplicateOf, request.Explanation!.Trim(), actor), incident, now));
    }
}
