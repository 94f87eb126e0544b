using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Resolving;

public sealed record ResolveIncidentRequest(string? Summary, CauseCategory? Cause);

public sealed class ResolveIncidentValidator : AbstractValidator<ResolveIncidentRequest>
{
    public ResolveIncidentValidator()
    {
        RuleFor(x => x.Summary).NotEmpty().MaximumLength(FieldLimits.Summary);
        RuleFor(x => x.Cause).NotNull().IsInEnum();
    }
}

public static class ResolveIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/resolve", OperationId = "resolveIncident")]
    [EndpointSummary("Resolve")]
    [EndpointDescription("The cause is understood and dealt with. Outages and major events must be restored first.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, ResolveIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new ResolveIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new ResolveIncident(request!.Summary!.Trim(), request.Cause!.Value, actor), incident, now));
}
