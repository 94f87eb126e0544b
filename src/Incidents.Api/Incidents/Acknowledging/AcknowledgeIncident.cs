using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Acknowledging;

public static class AcknowledgeIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/acknowledge", OperationId = "acknowledgeIncident")]
    [EndpointSummary("Acknowledge")]
    [EndpointDescription("Someone owns the incident: stops the acknowledge clock. A responder may acknowledge any incident.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, HttpContext http, IncidentStep step,
        MessageContext bus) =>
        step.Run(http, bus, id,
            (incident, actor, now) => IncidentDecider.Decide(new AcknowledgeIncident(actor), incident, now), ResponderScope.AnyIncident);
}
