using Incidents.Api.Http;
using Incidents.Domain;
using Marten;

namespace Incidents.Api.Security;

/// <summary>
/// Who and why, in Marten's event metadata on every event a request appends: the user id (<c>user_name</c>), the
/// correlation id of the conversation and the causation id of the request itself. The display name is in each event's
/// <c>By</c>. The SLA handler's events carry the system actor and the check message as their cause.
/// </summary>
public static class Audit
{
    public static void Stamp(IDocumentSession session, HttpContext http, Actor actor)
    {
        session.CorrelationId = CorrelationId.Of(http);
        session.CausationId = CausationOf(http);
        session.LastModifiedBy = actor.Id;
    }

    /// <summary>The request that caused the events: ASP.NET's request id (<c>RequestId</c> in the logs).</summary>
    public static string CausationOf(HttpContext http) => $"http:{http.TraceIdentifier}";
}
