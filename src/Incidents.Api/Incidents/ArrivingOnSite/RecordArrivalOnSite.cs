using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.ArrivingOnSite;

public static class RecordArrivalOnSiteEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/responders/{responderId}/arrival", OperationId = "recordArrivalOnSite")]
    [EndpointSummary("Record arrival on site")]
    [EndpointDescription("A dispatched engineer reached the site; the first arrival stops the on-site clock. A responder records their own arrival; the desk may record anyone's.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id,
        [Description(PathParameters.ResponderId)] string responderId, HttpContext http, IncidentStep step,
        MessageContext bus) =>
        step.Run(http, bus, id,
            (incident, actor, now) => IncidentDecider.Decide(new RecordArrivalOnSite(responderId, actor), incident, now),
            forResponder: responderId);
}
