using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Reopening;

public sealed record ReopenIncidentRequest(string? Reason);

public sealed class ReopenIncidentValidator : AbstractValidator<ReopenIncidentRequest>
{
    public ReopenIncidentValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
}

public static class ReopenIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/reopen", OperationId = "reopenIncident")]
    [EndpointSummary("Reopen")]
    [EndpointDescription("The problem is back: a resolved or closed incident is worked again.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, ReopenIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new ReopenIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id,
                (incident, actor, now) => IncidentDecider.Decide(new ReopenIncident(request!.Reason!.Trim(), actor), incident, now));
}
