using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>What a monitoring system does: posts to its integration's URL with the integration key.</summary>
public sealed class IntakeClient(HttpClient http, string path)
{
    public HttpClient Http { get; } = http;

    public string Path { get; } = path;

    /// <summary>Creates an integration as the admin and returns a client holding its key.</summary>
    public static async Task<(IntakeClient Client, Guid Id, string Key)> CreateAsync(ApiFixture api, string kind, object? mapping = null)
    {
        var admin = api.Client("admin-01", "Ma Lin", "admin");
        var response = await admin.Http.PostAsJsonAsync("/api/v1/integrations",
            new { name = $"{kind}-{Guid.NewGuid():N}", kind, mapping });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await IncidentsClient.ReadJsonAsync(response);
        var key = body["key"]!.GetValue<string>();
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (new IntakeClient(client, body["intakeUrl"]!.GetValue<string>()), body["id"]!.GetValue<Guid>(), key);
    }

    public Task<HttpResponseMessage> PostAsync(object body) => Http.PostAsJsonAsync(Path, body);

    public Task<HttpResponseMessage> PostRawAsync(byte[] body) =>
        Http.PostAsync(Path, new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

    public Task<HttpResponseMessage> PostRawAsync(string body) => PostRawAsync(Encoding.UTF8.GetBytes(body));

    /// <summary>Posts and expects 202; returns the answer.</summary>
    public async Task<JsonNode> AcceptedAsync(object body)
    {
        var response = await PostAsync(body);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }

    public static List<Guid> Incidents(JsonNode accepted) =>
        accepted["incidents"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToList();
}

/// <summary>Alertmanager webhook payloads (version 4) exactly as Alertmanager sends them.</summary>
public static class Alertmanager
{
    public static object Alert(string status, string service, string alertname, DateTimeOffset startsAt, string fingerprint,
        string severity = "critical", DateTimeOffset? endsAt = null) => new Dictionary<string, object?>
    {
        ["status"] = status,
        ["labels"] = new Dictionary<string, string>
        {
            ["alertname"] = alertname, ["service"] = service, ["severity"] = severity, ["instance"] = $"{service}-01:9100", ["job"] = "node",
        },
        ["annotations"] = new Dictionary<string, string>
        {
            ["summary"] = $"{alertname} on {service}", ["description"] = "Probe failed for 5 minutes.",
        },
        ["startsAt"] = startsAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["endsAt"] = (endsAt ?? DateTimeOffset.MinValue).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["generatorURL"] = "http://prometheus:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
        ["fingerprint"] = fingerprint,
    };

    public static object Payload(string status, params object[] alerts) => new Dictionary<string, object?>
    {
        ["receiver"] = "incidents",
        ["status"] = status,
        ["alerts"] = alerts,
        ["groupLabels"] = new Dictionary<string, string> { ["alertname"] = "ServiceDown" },
        ["commonLabels"] = new Dictionary<string, string> { ["alertname"] = "ServiceDown", ["severity"] = "critical" },
        ["commonAnnotations"] = new Dictionary<string, string>(),
        ["externalURL"] = "http://alertmanager:9093",
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"ServiceDown\"}",
        ["truncatedAlerts"] = 0,
    };
}
