using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Reclassifying;

public sealed record ReclassifyIncidentRequest(IncidentClass? Class, string? Reason);

public sealed class ReclassifyIncidentValidator : AbstractValidator<ReclassifyIncidentRequest>
{
    public ReclassifyIncidentValidator()
    {
        RuleFor(x => x.Class).NotNull().IsInEnum();
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
    }
}

public static class ReclassifyIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/reclassify", OperationId = "reclassifyIncident")]
    [EndpointSummary("Reclassify")]
    [EndpointDescription("Changes the class; running SLA stages are re-targeted from the original report time.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, ReclassifyIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new ReclassifyIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new ReclassifyIncident(request!.Class!.Value, request.Reason!.Trim(), actor), incident, now));
}
