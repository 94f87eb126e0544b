using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Incidents.ArrivingOnSite;

public static class RecordArrivalOnSiteEndpoint
{
    /// <summary>A dispatched engineer reached the site: the first arrival stops the on-site clock.</summary>
    [WolverinePost("/api/v1/incidents/{id}/responders/{responderId}/arrival", OperationId = "recordArrivalOnSite")]
    [Authorize(Policy = Policies.WorkIncidents)]
    public static Task<IResult> Post(Guid id, string responderId, HttpContext http, IDocumentSession session, IMessageBus bus,
        TimeProvider clock) =>
        IncidentWriter.Execute(http, session, bus, clock, id,
            (state, actor, now) => IncidentDecider.Decide(new RecordArrivalOnSite(responderId, actor), state, now));
}
