using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
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
    /// <summary>A false alarm or a duplicate of another incident (which must exist). Final.</summary>
    [WolverinePost("/api/v1/incidents/{id}/cancel", OperationId = "cancelIncident")]
    [Authorize(Policy = Policies.RunIncidents)]
    public static async Task<IResult> Post(Guid id, CancelIncidentRequest? request, HttpContext http, IQuerySession session,
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
