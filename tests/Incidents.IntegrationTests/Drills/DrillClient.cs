using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Drills;

/// <summary>What a drill coordinator's client does in the tests.</summary>
public static class DrillClient
{
    public static object Plan(string system, DateTimeOffset plannedStart, string duration = "PT30M", string kind = "cloud-platform-emergency-drill") => new
    {
        title = "Settlement database failover",
        kind,
        scenario = new { @class = "outage", affectedSystem = system, script = "Caller: hospitals cannot submit settlements since 09:00." },
        plannedStart,
        expectedDuration = duration,
        participants = new[] { "desk-01", "eng-07" },
        observers = new[] { "sup-01" },
        objectives = new[] { "acknowledge within the clock", "restore within the clock" },
    };

    public static Task<HttpResponseMessage> ScheduleAsync(this IncidentsClient client, object plan) =>
        client.Http.PostAsJsonAsync("/api/v1/drills", plan);

    public static async Task<Guid> ScheduleOkAsync(this IncidentsClient client, object plan)
    {
        var response = await client.ScheduleAsync(plan);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/drills/{id}");
        return id;
    }

    public static Task<HttpResponseMessage> DrillStepAsync(this IncidentsClient client, Guid id, string step, object? body = null) =>
        client.Http.PostAsJsonAsync($"/api/v1/drills/{id}/{step}", body ?? new { });

    public static async Task<JsonNode> DrillStepOkAsync(this IncidentsClient client, Guid id, string step, object? body = null)
    {
        var response = await client.DrillStepAsync(id, step, body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }

    public static Task<JsonNode> DrillAsync(this IncidentsClient client, Guid id) => client.GetJsonAsync($"/api/v1/drills/{id}");
}
