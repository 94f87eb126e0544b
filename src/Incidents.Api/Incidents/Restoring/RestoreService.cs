using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Restoring;

public sealed record RestoreServiceRequest(string? Summary);

public sealed class RestoreServiceValidator : AbstractValidator<RestoreServiceRequest>
{
    public RestoreServiceValidator() => RuleFor(x => x.Summary).NotEmpty().MaximumLength(FieldLimits.Summary);
}

public static class RestoreServiceEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/restore", OperationId = "restoreService")]
    [EndpointSummary("Record service restored")]
    [EndpointDescription("The affected service works again: stops the restore clock (and the on-site clock if nobody arrived).")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, RestoreServiceRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new RestoreServiceValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id,
                (incident, actor, now) => IncidentDecider.Decide(new RestoreService(request!.Summary!.Trim(), actor), incident, now));
}
