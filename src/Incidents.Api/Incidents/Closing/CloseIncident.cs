using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Closing;

/// <summary>Closing a resolved incident, optionally with the reporter's satisfaction (1-5) and feedback.</summary>
public sealed record CloseIncidentRequest(int? Satisfaction, string? Feedback);

public sealed class CloseIncidentValidator : AbstractValidator<CloseIncidentRequest>
{
    public CloseIncidentValidator()
    {
        RuleFor(x => x.Satisfaction).InclusiveBetween(1, 5);
        RuleFor(x => x.Feedback).MaximumLength(FieldLimits.Comment);
    }
}

public static class CloseIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/close", OperationId = "closeIncident")]
    [EndpointSummary("Close")]
    [EndpointDescription("Finishes a resolved incident, optionally with the reporter's satisfaction (1-5). The body is optional.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, CloseIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus)
    {
        request ??= new CloseIncidentRequest(null, null);
        return RequestValidation.Check(http, new CloseIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new CloseIncident(request.Satisfaction, request.Feedback?.Trim(), actor), incident, now));
    }
}
