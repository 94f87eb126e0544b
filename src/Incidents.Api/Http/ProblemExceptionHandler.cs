using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Incidents.Api.Http;

/// <summary>
/// The last line: requests the framework could not read become 400 problems naming the field where possible;
/// a dependency that is away for now (<see cref="TransientFaults"/>) is a 503 with <c>Retry-After</c>; anything else is
/// a 500 problem that reveals nothing but the correlation id to quote.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var json = exception as JsonException ?? exception.InnerException as JsonException;
        var problem = (exception, json) switch
        {
            (_, { } j) => Problems.Create(http, StatusCodes.Status400BadRequest, "request.malformed", "Malformed request body",
                "The body is not valid JSON of the expected shape.",
                new Dictionary<string, string[]> { [FieldOf(j.Path)] = [j.Message.Split(" Path:")[0]] }),
            (BadHttpRequestException bad, _) => Problems.Create(http, bad.StatusCode,
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request.too-large" : "request.malformed",
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Malformed request",
                bad.Message),
            _ => null,
        };

        if (problem is null && TransientFaults.DependencyOf(exception) is { } dependency)
        {
            logger.LogWarning("Answered 503 on {Method} {Path}: the {Dependency} is unavailable ({Reason})", http.Request.Method,
                http.Request.Path, dependency, exception.GetBaseException().Message);
            http.Response.Headers.RetryAfter = TransientFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = Problems.Create(http, StatusCodes.Status503ServiceUnavailable, "service.unavailable", "Service unavailable",
                $"The {dependency} is unavailable for the moment; nothing was stored. Try again in {TransientFaults.RetryAfterSeconds} seconds.");
            problem.Extensions["dependency"] = dependency;
        }
        else if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = Problems.Create(http, StatusCodes.Status500InternalServerError, "server.error", "Internal error",
                "Something went wrong on our side; nothing partial was kept. Quote the correlation id when reporting it.");
        }
        else
        {
            logger.LogInformation("Rejected unreadable request on {Method} {Path}: {Reason}", http.Request.Method,
                http.Request.Path, exception.Message);
        }

        http.Response.StatusCode = problem.Status!.Value;
        await Problems.Result(problem).ExecuteAsync(http);
        return true;
    }

    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
}
