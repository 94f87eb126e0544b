using System.Diagnostics;

namespace Incidents.Api.Http;

/// <summary>
/// Every request gets a correlation id: the caller's <c>X-Correlation-Id</c> when it sent a sane one, else a new one.
/// It is echoed in the response header, opens a logging scope, and is stored on the events the request caused.
/// </summary>
public sealed class CorrelationId(RequestDelegate next, ILogger<CorrelationId> logger)
{
    public const string HeaderName = "X-Correlation-Id";

    private const int MaxLength = 64;

    public static string Of(HttpContext http) =>
        http.Items.TryGetValue(HeaderName, out var value) && value is string id ? id : http.TraceIdentifier;

    public async Task InvokeAsync(HttpContext http)
    {
        var supplied = http.Request.Headers[HeaderName].ToString();
        var id = IsSane(supplied) ? supplied : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        http.Items[HeaderName] = id;
        http.Response.Headers[HeaderName] = id;

        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            await next(http);
        }
    }

    private static bool IsSane(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
