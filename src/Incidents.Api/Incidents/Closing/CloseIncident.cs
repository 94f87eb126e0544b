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
    /// <summary>Finishes a resolved incident. The body is optional.</summary>
    [WolverinePost("/api/v1/incidents/{id}/close", OperationId = "closeIncident")]
    [Authorize(Policy = Policies.RunIncidents)]
    public static Task<IResult> Post(Guid id, CloseIncidentRequest? request, HttpContext http, IncidentStep step,
        MessageContext bus)
    {
        request ??= new CloseIncidentRequest(null, null);
        return RequestValidation.Check(http, new CloseIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new CloseIncident(request.Satisfaction, request.Feedback?.Trim(), actor), incident, now));
    }
}
