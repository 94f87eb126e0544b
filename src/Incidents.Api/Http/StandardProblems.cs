using System.Text.RegularExpressions;

namespace Incidents.Api.Http;

/// <summary>
/// Gives problems written by the framework itself (unknown route, wrong method, unsupported media type, ...)
/// the same shape as ours: a stable type URI, a code and the correlation id.
/// </summary>
public static partial class StandardProblems
{
    [GeneratedRegex(@"Path: (?<path>\$[^ |]*)")]
    private static partial Regex JsonPath();

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
            if (code == "request.malformed" && problem.Detail is { } detail && JsonPath().Match(detail) is { Success: true } path)
            {
                // The framework's message names our internal types; say which field was wrong instead.
                var field = path.Groups["path"].Value.TrimStart('$', '.');
                field = field.Length == 0 ? "body" : field;
                problem.Title = "Malformed request body";
                problem.Detail = $"The body is not valid JSON of the expected shape; see errors ({field}).";
                problem.Extensions["errors"] = new Dictionary<string, string[]>
                {
                    [field] = ["Missing, of the wrong type, or not one of the allowed values."],
                };
            }
            if (problem.Status == StatusCodes.Status404NotFound)
            {
                problem.Detail ??= $"No resource at {http.Request.Path}.";
            }
        }

        problem.Instance ??= http.Request.Path;
        problem.Extensions["correlationId"] = CorrelationId.Of(http);
        problem.Extensions.Remove("traceId");
        problem.Extensions.Remove("requestId");
    }
}
