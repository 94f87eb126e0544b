using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Acknowledging;

public static class AcknowledgeIncidentEndpoint
{
    /// <summary>Someone owns the incident now: stops the acknowledge clock.</summary>
    [WolverinePost("/api/v1/incidents/{id}/acknowledge", OperationId = "acknowledgeIncident")]
    [Authorize(Policy = Policies.WorkIncidents)]
    public static Task<IResult> Post(Guid id, HttpContext http, IncidentStep step,
        MessageContext bus) =>
        step.Run(http, bus, id,
            (incident, actor, now) => IncidentDecider.Decide(new AcknowledgeIncident(actor), incident, now), ResponderScope.AnyIncident);
}
