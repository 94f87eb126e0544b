using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Dispatching;

public sealed record DispatchResponderRequest(string? Note);

public sealed class DispatchResponderValidator : AbstractValidator<DispatchResponderRequest>
{
    public DispatchResponderValidator() => RuleFor(x => x.Note).MaximumLength(FieldLimits.Reason);
}

public static class DispatchResponderEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/responders/{responderId}/dispatch", OperationId = "dispatchResponder")]
    [EndpointSummary("Dispatch a responder")]
    [EndpointDescription("An assigned engineer is on the way to the site. The body is optional. A responder records their own dispatch; the desk may record anyone's.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id,
        [Description(PathParameters.ResponderId)] string responderId, DispatchResponderRequest? request, HttpContext http,
        IncidentStep step, MessageContext bus) =>
        RequestValidation.Check(http, new DispatchResponderValidator(), request ?? new DispatchResponderRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new DispatchResponder(responderId, request?.Note?.Trim(), actor), incident, now),
                forResponder: responderId);
}
