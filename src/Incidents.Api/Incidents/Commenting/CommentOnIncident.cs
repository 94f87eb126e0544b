using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Commenting;

public sealed record CommentOnIncidentRequest(string? Text);

public sealed class CommentOnIncidentValidator : AbstractValidator<CommentOnIncidentRequest>
{
    public CommentOnIncidentValidator() => RuleFor(x => x.Text).NotEmpty().MaximumLength(FieldLimits.Comment);
}

public static class CommentOnIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/comments", OperationId = "commentOnIncident")]
    [EndpointSummary("Comment")]
    [EndpointDescription("Adds a note to the record; allowed in every state, closed included.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, CommentOnIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new CommentOnIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new CommentOnIncident(Guid.CreateVersion7(), request!.Text!.Trim(), actor), incident, now));
}
