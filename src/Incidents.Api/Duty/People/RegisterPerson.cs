using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.People;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.People;

public static class RegisterPersonEndpoint
{
    [WolverinePost("/api/v1/people", OperationId = "registerPerson")]
    [EndpointSummary("Register a person")]
    [EndpointDescription("Adds a person to the directory (201 with Location and ETag): id (the token's sub), name, team, contract " +
        "roles (duty-engineer, project-manager, security-lead, purchaser-contact, ...) and contact channels (mobile for SMS, " +
        "e-mail, WeCom, DingTalk, Feishu ids). Rosters and escalation levels find people here. 409 when the id is taken.")]
    [Authorize(Policy = Policies.ManagePeople)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<PersonResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post(PersonRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new RegisterPersonValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var id = Person.StreamId(request!.Id!);
        var existing = await session.LoadAsync<PersonDetails>(id, http.RequestAborted);
        var decision = PersonDecider.Decide(new RegisterPerson(request.Id!, request.Name!.Trim(), request.Team!.Trim(), request.CleanRoles(),
            request.Contacts?.ToChannels() ?? ContactChannels.None, actor), existing?.State, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var person = DutyStream.Stage(session, id, (PersonDetails?)null, decision.Events)!;
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return Problems.From(http, Domain.Duty.DutyErrors.PersonExists(request.Id!));
        }
        catch (Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Problems.From(http, Domain.Duty.DutyErrors.PersonExists(request.Id!));
        }

        http.Response.Headers.ETag = ETags.For(person.Version);
        var resource = PersonResource.From(person, http);
        return TypedResults.Created(resource.Links.Self, resource);
    }
}
