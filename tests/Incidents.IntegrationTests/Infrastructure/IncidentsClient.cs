using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// What a signed-in user's HTTP client does: a bearer token for one role (or none, for an anonymous caller).
/// Reads JSON as the API writes it.
/// </summary>
public sealed class IncidentsClient(HttpClient http, string? token)
{
    public HttpClient Http { get; } = Configure(http, token);

    /// <summary>A client signed in as this user with this role (comma-separate several roles).</summary>
    public static IncidentsClient For(HttpClient http, string actorId = "desk-01", string name = "Li Na", string role = "hotline",
        string? team = null) => new(http, TestTokens.For(role, actorId, name, team));

    private static HttpClient Configure(HttpClient client, string? token)
    {
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static object OutageReport(string system, string title = "Settlement service down") => new
    {
        title,
        description = "Hospitals cannot submit settlements; login page times out.",
        affectedSystem = system,
        @class = "outage",
        channel = "phone",
        reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
    };

    public Task<HttpResponseMessage> ReportAsync(object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Reports an outage on the given system and returns its id.</summary>
    public async Task<Guid> ReportOutageAsync(string system)
    {
        var response = await ReportAsync(OutageReport(system));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    public Task<HttpResponseMessage> StepAsync(Guid id, string step, object? body = null, long? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/{step}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\""));
        }

        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Runs a step that must succeed and returns the incident as it now is.</summary>
    public async Task<JsonNode> StepOkAsync(Guid id, string step, object? body = null)
    {
        var response = await StepAsync(id, step, body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{step}: {await response.Content.ReadAsStringAsync()}");
        return await ReadJsonAsync(response);
    }

    public async Task<JsonNode> GetAsync(Guid id)
    {
        var response = await Http.GetAsync($"/api/v1/incidents/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadJsonAsync(response);
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body");

    /// <summary>Asserts an RFC 9457 problem with the given status and code, and returns it.</summary>
    public static async Task<JsonNode> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(body)!;
        problem["code"]!.GetValue<string>().ShouldBe(code);
        problem["type"]!.GetValue<string>().ShouldBe($"urn:incidents:problem:{code}");
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
