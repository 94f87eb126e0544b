using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.People;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.People;

public sealed record DeactivatePersonRequest(string? Reason);

public sealed class DeactivatePersonValidator : AbstractValidator<DeactivatePersonRequest>
{
    public DeactivatePersonValidator() => RuleFor(x => x.Reason).MaximumLength(FieldLimits.Reason);
}

public static class DeactivatePersonEndpoint
{
    [WolverinePost("/api/v1/people/{personId}/deactivation", OperationId = "deactivatePerson")]
    [EndpointSummary("Deactivate a person")]
    [EndpointDescription("The person is no longer rostered or paged: rosters and overrides refuse them, and a roster shift " +
        "that still names them counts as nobody on duty. Nothing is deleted: their entry, history and every page they got stay.")]
    [Authorize(Policy = Policies.ManagePeople)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<PersonResource>]
    public static async Task<IResult> Post([Description(PathParameters.PersonId)] string personId, DeactivatePersonRequest? request,
        HttpContext http, IDocumentSession session, TimeProvider clock)
    {
        if (RequestValidation.Check(http, new DeactivatePersonValidator(), request ?? new DeactivatePersonRequest(null)) is { } invalid)
        {
            return invalid;
        }

        return await PersonStep.Run(http, session, clock, personId, (person, actor, now) =>
            PersonDecider.Decide(new DeactivatePerson(string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim(), actor), person, now));
    }
}

public static class ReactivatePersonEndpoint
{
    [WolverinePost("/api/v1/people/{personId}/reactivation", OperationId = "reactivatePerson")]
    [EndpointSummary("Reactivate a person")]
    [EndpointDescription("A deactivated person may be rostered and paged again.")]
    [Authorize(Policy = Policies.ManagePeople)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<PersonResource>]
    public static Task<IResult> Post([Description(PathParameters.PersonId)] string personId, HttpContext http, IDocumentSession session,
        TimeProvider clock) =>
        PersonStep.Run(http, session, clock, personId, (person, actor, now) => PersonDecider.Decide(new ReactivatePerson(actor), person, now));
}
