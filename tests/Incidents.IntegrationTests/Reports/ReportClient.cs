using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Reports;

/// <summary>Calls on outage and security reports, for the report tests.</summary>
public static class ReportClient
{
    public static Task<HttpResponseMessage> ReportStepAsync(this IncidentsClient client, Guid reportId, string step, object? body = null) =>
        client.Http.PostAsync($"/api/v1/reports/{reportId}/{step}", JsonContent.Create(body ?? new { }));

    public static async Task<JsonNode> ReportStepOkAsync(this IncidentsClient client, Guid reportId, string step, object? body = null)
    {
        var response = await client.ReportStepAsync(reportId, step, body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{step}: {await response.Content.ReadAsStringAsync()}");
        return await IncidentsClient.ReadJsonAsync(response);
    }

    public static Task<JsonNode> GetReportAsync(this IncidentsClient client, Guid reportId) => client.GetJsonAsync($"/api/v1/reports/{reportId}");

    /// <summary>The outage report the restore opened (on the local queue, just after the restore committed).</summary>
    public static async Task<Guid> OutageReportOfAsync(this IncidentsClient client, Guid incidentId)
    {
        var page = await Eventually.GetAsync(() => client.GetJsonAsync($"/api/v1/reports?incident={incidentId}&kind=outage"),
            p => p["items"]!.AsArray().Count > 0, TimeSpan.FromSeconds(15), $"the outage report of {incidentId}");
        return page["items"]![0]!["id"]!.GetValue<Guid>();
    }

    /// <summary>An outage reported, acknowledged, worked on site by eng-07 and restored.</summary>
    public static async Task<Guid> RestoredOutageAsync(this IncidentsClient desk, string system, string title = "Settlement service down",
        string summary = "Failed over to the standby database", string responderName = "Zhao Lei")
    {
        var response = await desk.ReportAsync(IncidentsClient.OutageReport(system, title));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-07", name = responderName, team = "Cloud platform" });
        await desk.StepOkAsync(id, "responders/eng-07/dispatch");
        await desk.StepOkAsync(id, "responders/eng-07/arrival");
        await desk.StepOkAsync(id, "restore", new { summary });
        return id;
    }

    public static object Sections(string text = "Settlement unavailable for every hospital", string cause = "A full transaction log disk") => new
    {
        impact = new { users = 12000, hospitals = 37, transactions = 5400, description = text },
        rootCause = cause,
        causeCategory = "capacity",
        summary = "Restored by failover; disk alarms added.",
    };

    public static object Action(string description = "Add a disk usage alarm at 80%", string owner = "Zhao Lei", string due = "2031-03-20") =>
        new { kind = "preventive", description, owner, dueOn = due };
}
