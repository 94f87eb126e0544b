using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Incidents.Api.WebConsole;

/// <summary>
/// The console is a client of the API: every page reads and every button writes through <c>/api/v1</c> over HTTP, with
/// the signed-in user's bearer token, so the console can never show or do more than the API allows that user. The API is
/// this same process, reached on its own loopback address (or <c>Console:ApiBaseAddress</c>).
/// </summary>
public sealed class ConsoleApi(IHttpClientFactory clients, IServer server, IConfiguration configuration)
{
    public const string ClientName = "incidents-console";

    public async Task<ApiAnswer> SendAsync(HttpContext http, HttpMethod method, string path, object? body = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var token = await ConsoleAuthentication.TokenAsync(http);
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress(), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (http.Response.Headers.TryGetValue("X-Correlation-Id", out var correlation))
        {
            request.Headers.TryAddWithoutValidation("X-Correlation-Id", correlation.ToString());
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json");
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        HttpResponseMessage sent;
        try
        {
            sent = await clients.CreateClient(ClientName).SendAsync(request, http.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            // The API did not answer (restarting, overloaded): the page says so and to try again, never a 500.
            return Unreachable;
        }

        using var response = sent;
        var text = await response.Content.ReadAsStringAsync(http.RequestAborted);
        JsonElement? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            using var document = JsonDocument.Parse(text);
            json = document.RootElement.Clone();
        }

        return new ApiAnswer((int)response.StatusCode, json, response.Headers.ETag?.Tag.Trim('"'));
    }

    public Task<ApiAnswer> GetAsync(HttpContext http, string path) => SendAsync(http, HttpMethod.Get, path);

    /// <summary>What a page gets when the API cannot be reached: a 503 problem with a detail in both languages.</summary>
    private static readonly ApiAnswer Unreachable = new(503, JsonDocument.Parse("""
        {"type":"https://incidents.example/problems/console-api-unreachable","title":"Service unavailable","status":503,
         "code":"console.api-unreachable","detail":"暂时无法连接服务，请稍后重试。The service cannot be reached right now; try again shortly."}
        """).RootElement.Clone(), null);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private Uri BaseAddress()
    {
        if (configuration["Console:ApiBaseAddress"] is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                      ?? addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("The console reaches the API on the server's own address; none is bound " +
                                                             "(set Console:ApiBaseAddress).");
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://localhost", "://127.0.0.1"));
        return uri.Uri;
    }
}

/// <summary>The API's answer: status, body (JSON) and ETag; for a problem, its code, detail and field errors.</summary>
public sealed record ApiAnswer(int Status, JsonElement? Body, string? ETag)
{
    public bool Ok => Status is >= 200 and < 300;

    public JsonElement Json => Body ?? default;

    public string? Code => Str("code");

    public string? Title => Str("title");

    public string? Detail => Str("detail");

    /// <summary>Field errors of a validation problem, keyed by the API's field names in lower case (<c>reporter.name</c>).</summary>
    public IReadOnlyDictionary<string, string[]> Errors =>
        Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().ToDictionary(p => p.Name.ToLowerInvariant(),
                p => p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Select(x => x.ToString()).ToArray() : [p.Value.ToString()])
            : new Dictionary<string, string[]>();

    private string? Str(string name) =>
        Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Reading the API's JSON in pages without ceremony.</summary>
public static class Json
{
    public static string? Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

    public static bool Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static double? Num(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public static DateTimeOffset? Time(this JsonElement e, string name) =>
        e.Str(name) is { } s && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public static JsonElement Obj(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static IEnumerable<JsonElement> Arr(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];
}
