using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Assigning;

public sealed record AssignResponderRequest(string? ResponderId, string? Name, string? Team);

public sealed class AssignResponderValidator : AbstractValidator<AssignResponderRequest>
{
    public AssignResponderValidator()
    {
        RuleFor(x => x.ResponderId).NotEmpty().MaximumLength(FieldLimits.Id)
            .Matches("^[A-Za-z0-9._@-]+$").WithMessage("'Responder Id' may hold letters, digits and . _ @ - only (it appears in URLs).");
        RuleFor(x => x.Name).NotEmpty().MaximumLength(FieldLimits.PersonName);
        RuleFor(x => x.Team).MaximumLength(FieldLimits.PersonName);
    }
}

public static class AssignResponderEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/responders", OperationId = "assignResponder")]
    [EndpointSummary("Assign a responder")]
    [EndpointDescription("Puts an engineer on the incident; from then on they (and their team) may work it.")]
    [Authorize(Policy = Policies.RunIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, AssignResponderRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new AssignResponderValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) => IncidentDecider.Decide(
                new AssignResponder(new Responder(request!.ResponderId!.Trim(), request.Name!.Trim(), request.Team?.Trim()), actor),
                incident, now));
}
