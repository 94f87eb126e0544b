using Microsoft.AspNetCore.Http.Features;

namespace Incidents.Api.Http;

/// <summary>
/// Gives problems written by the framework itself (unknown route, wrong method, unsupported media type, ...)
/// the same shape as ours: a stable type URI, a code and the correlation id.
/// </summary>
public static class StandardProblems
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        if (problem.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) != true)
        {
            var code = problem.Status switch
            {
                StatusCodes.Status400BadRequest => "request.malformed",
                StatusCodes.Status401Unauthorized => "auth.unauthenticated",
                StatusCodes.Status403Forbidden => "auth.forbidden",
                StatusCodes.Status404NotFound => "route.not-found",
                StatusCodes.Status405MethodNotAllowed => "route.method-not-allowed",
                StatusCodes.Status413PayloadTooLarge => "request.too-large",
                StatusCodes.Status415UnsupportedMediaType => "request.unsupported-media-type",
                _ => "server.error",
            };
            problem.Type = Problems.TypeFor(code);
            problem.Extensions["code"] = code;
            if (problem.Status == StatusCodes.Status404NotFound)
            {
                problem.Detail ??= $"No resource at {http.Request.Path}.";
            }
        }

        problem.Instance ??= http.Request.Path;
        problem.Extensions["correlationId"] = CorrelationId.Of(http);
        problem.Extensions.Remove("traceId");
        problem.Extensions.Remove("requestId");
        _ = http.Features.Get<IHttpResponseFeature>();
    }
}
