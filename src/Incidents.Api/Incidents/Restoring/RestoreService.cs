using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Restoring;

public sealed record RestoreServiceRequest(string? Summary);

public sealed class RestoreServiceValidator : AbstractValidator<RestoreServiceRequest>
{
    public RestoreServiceValidator() => RuleFor(x => x.Summary).NotEmpty().MaximumLength(FieldLimits.Summary);
}

public static class RestoreServiceEndpoint
{
    /// <summary>The affected service works again: stops the restore clock.</summary>
    [WolverinePost("/api/v1/incidents/{id}/restore", OperationId = "restoreService")]
    [Authorize(Policy = Policies.WorkIncidents)]
    public static Task<IResult> Post(Guid id, RestoreServiceRequest? request, HttpContext http, IDocumentSession session,
        IMessageBus bus, TimeProvider clock) =>
        RequestValidation.Check(http, new RestoreServiceValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : IncidentWriter.Execute(http, session, bus, clock, id,
                (state, actor, now) => IncidentDecider.Decide(new RestoreService(request!.Summary!.Trim(), actor), state, now));
}
