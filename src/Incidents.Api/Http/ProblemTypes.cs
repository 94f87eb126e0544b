using Incidents.Domain;
using Microsoft.AspNetCore.Mvc;

namespace Incidents.Api.Http;

/// <summary>
/// Every error leaves the API as an RFC 9457 problem: a stable <c>type</c> URI per error (urn:incidents:problem:CODE),
/// the same <c>code</c> as an extension member, and the request's correlation id.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:incidents:problem:";

    public const string ContentType = "application/problem+json";

    public static string TypeFor(string code) => TypePrefix + code;

    public static int StatusFor(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
        DomainErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        DomainErrorKind.TooMany => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status409Conflict,
    };

    public static ProblemDetails Create(HttpContext http, int status, string code, string title, string? detail,
        IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Type = TypeFor(code);
        problem.Title = title;
        problem.Status = status;
        problem.Detail = detail;
        problem.Instance = http.Request.Path;
        problem.Extensions["code"] = code;
        problem.Extensions["correlationId"] = CorrelationId.Of(http);
        return problem;
    }

    public static IResult Result(ProblemDetails problem) =>
        TypedResults.Json<object>(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType, problem.Status);

    public static IResult From(HttpContext http, DomainError error)
    {
        if (error.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Result(Create(http, StatusFor(error.Kind), error.Code, error.Title, error.Detail,
            error.Field is { } field ? new Dictionary<string, string[]> { [field] = [error.Detail] } : null));
    }

    public static IResult Validation(HttpContext http, IDictionary<string, string[]> errors) =>
        Result(Create(http, StatusCodes.Status400BadRequest, "request.invalid", "The request is invalid",
            "One or more fields are missing or invalid; see errors.", errors));

    public static IResult StaleVersion(HttpContext http, Guid id, long expected, long? actual) =>
        Result(Create(http, StatusCodes.Status412PreconditionFailed, "incident.version-mismatch", "Stale version",
            actual is null
                ? $"Incident {id} was changed by someone else after version {expected}; reload it and try again."
                : $"Incident {id} is at version {actual}, not {expected}; reload it and try again."));

    public static IResult ConcurrentChange(HttpContext http, Guid id) =>
        Result(Create(http, StatusCodes.Status409Conflict, "incident.concurrent-change", "Changed concurrently",
            $"Incident {id} was changed by someone else while this request was processed; reload it and try again."));
}
