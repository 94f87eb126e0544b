using Incidents.Api.Http;
using Incidents.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Configuration;

public static class EndpointConfiguration
{
    /// <summary>
    /// What every endpoint does alike, and therefore answers alike, is declared here once; what an endpoint answers for
    /// its own reasons it declares itself (<c>[ProducesResponseType]</c>, <see cref="StepResponsesAttribute{TResource}"/>).
    /// Every endpoint needs a signed-in user (401) of a role its policy admits (403, docs/security.md); every change is
    /// rate limited per user (429); every endpoint reads or writes the database, so any may find it away (503,
    /// <see cref="TransientFaults"/>).
    /// </summary>
    public static void ConfigureIncidentEndpoints(this WolverineHttpOptions http)
    {
        http.ConfigureEndpoints(chain =>
        {
            if (chain.HttpMethods.Contains("POST"))
            {
                chain.Metadata.RequireRateLimiting(SecurityConfiguration.WritesRateLimit);
                chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType);
            }
            else if (chain.Method.Method.GetCustomAttributes(typeof(ExpensiveReadAttribute), inherit: false).Length > 0)
            {
                chain.Metadata.RequireRateLimiting(SecurityConfiguration.ExpensiveReadsRateLimit);
                chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType);
            }

            chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status401Unauthorized, Problems.ContentType);
            chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, Problems.ContentType);
            if (chain.Method.Method.GetCustomAttributes(typeof(AuthorizeAttribute), inherit: true)
                .OfType<AuthorizeAttribute>().Any(a => a.Policy is not null))
            {
                chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status403Forbidden, Problems.ContentType);
            }
        });
    }
}
