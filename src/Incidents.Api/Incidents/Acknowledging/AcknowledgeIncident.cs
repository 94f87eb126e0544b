using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Acknowledging;

public static class AcknowledgeIncidentEndpoint
{
    /// <summary>Someone owns the incident now: stops the acknowledge clock.</summary>
    [WolverinePost("/api/v1/incidents/{id}/acknowledge", OperationId = "acknowledgeIncident")]
    [Authorize(Policy = Policies.WorkIncidents)]
    public static Task<IResult> Post(Guid id, HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock) =>
        IncidentWriter.Execute(http, session, bus, clock, id,
            (state, actor, now) => IncidentDecider.Decide(new AcknowledgeIncident(actor), state, now), ResponderScope.AnyIncident);
}
