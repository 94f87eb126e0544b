using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Reopening;

public sealed record ReopenIncidentRequest(string? Reason);

public sealed class ReopenIncidentValidator : AbstractValidator<ReopenIncidentRequest>
{
    public ReopenIncidentValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
}

public static class ReopenIncidentEndpoint
{
    /// <summary>The problem is back: a resolved or closed incident is worked again.</summary>
    [WolverinePost("/api/v1/incidents/{id}/reopen", OperationId = "reopenIncident")]
    [Authorize(Policy = Policies.RunIncidents)]
    public static Task<IResult> Post(Guid id, ReopenIncidentRequest? request, HttpContext http, IDocumentSession session,
        IMessageBus bus, TimeProvider clock) =>
        RequestValidation.Check(http, new ReopenIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : IncidentWriter.Execute(http, session, bus, clock, id,
                (state, actor, now) => IncidentDecider.Decide(new ReopenIncident(request!.Reason!.Trim(), actor), state, now));
}
