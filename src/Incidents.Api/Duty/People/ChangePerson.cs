using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.People;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.People;

public static class ChangePersonEndpoint
{
    [WolverinePut("/api/v1/people/{personId}", OperationId = "changePerson")]
    [EndpointSummary("Change a person")]
    [EndpointDescription("Replaces name, team, roles and contacts of an active person (the id stays). The earlier entries stay " +
        "in the person's stream; pages already sent keep the contacts they went to.")]
    [Authorize(Policy = Policies.ManagePeople)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<PersonResource>]
    public static async Task<IResult> Put([Description(PathParameters.PersonId)] string personId, PersonRequest? request, HttpContext http,
        IDocumentSession session, TimeProvider clock)
    {
        if (RequestValidation.Check(http, new ChangePersonValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await PersonStep.Run(http, session, clock, personId, (person, actor, now) => PersonDecider.Decide(
            new ChangePerson(request!.Name!.Trim(), request.Team!.Trim(), request.CleanRoles(), request.Contacts?.ToChannels() ?? ContactChannels.None,
                actor), person, now));
    }
}
