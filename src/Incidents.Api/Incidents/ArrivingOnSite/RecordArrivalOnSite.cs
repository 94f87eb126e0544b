using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.ArrivingOnSite;

public static class RecordArrivalOnSiteEndpoint
{
    /// <summary>A dispatched engineer reached the site: the first arrival stops the on-site clock.</summary>
    [WolverinePost("/api/v1/incidents/{id}/responders/{responderId}/arrival", OperationId = "recordArrivalOnSite")]
    [Authorize(Policy = Policies.WorkIncidents)]
    public static Task<IResult> Post(Guid id, string responderId, HttpContext http, IncidentStep step,
        MessageContext bus) =>
        step.Run(http, bus, id,
            (incident, actor, now) => IncidentDecider.Decide(new RecordArrivalOnSite(responderId, actor), incident, now));
}
