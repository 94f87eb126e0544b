using Incidents.Api.Http;
using Incidents.Api.Incidents;
using Incidents.Api.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Configuration;

public static class EndpointConfiguration
{
    /// <summary>
    /// Every lifecycle step (<c>POST /api/v1/incidents/{id}/...</c>) answers the same way: the updated incident with its
    /// new ETag, or a problem. Declared once here for the OpenAPI document instead of on each endpoint.
    /// </summary>
    public static void ConfigureIncidentEndpoints(this WolverineHttpOptions http)
    {
        http.ConfigureEndpoints(chain =>
        {
            if (chain.HttpMethods.Contains("POST"))
            {
                // Every change is rate limited per user (docs/security.md).
                chain.Metadata.RequireRateLimiting(SecurityConfiguration.WritesRateLimit);
                chain.Metadata
                    .Produces<ProblemDetails>(StatusCodes.Status403Forbidden, Problems.ContentType)
                    .Produces<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType);
            }

            chain.Metadata.Produces<ProblemDetails>(StatusCodes.Status401Unauthorized, Problems.ContentType);

            var route = chain.RoutePattern?.RawText ?? "";
            if (!chain.HttpMethods.Contains("POST") || !route.StartsWith("/api/v1/incidents/{id}", StringComparison.Ordinal))
            {
                return;
            }

            chain.Metadata
                .WithTags("Incidents")
                .Produces<IncidentResource>(StatusCodes.Status200OK)
                .Produces<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)
                .Produces<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)
                .Produces<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)
                .Produces<ProblemDetails>(StatusCodes.Status412PreconditionFailed, Problems.ContentType)
                .Produces<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);
        });
    }
}
