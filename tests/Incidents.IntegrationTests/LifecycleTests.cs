using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests;

[Collection(ApiCollection.Name)]
public sealed class LifecycleTests(ApiFixture api)
{
    [Fact]
    public async Task an_outage_is_worked_from_report_to_close_and_the_timeline_tells_every_step()
    {
        var desk = api.Client("desk-01", "Li Na");
        var engineer = api.Client("eng-07", "Zhao Lei", role: "responder");
        var system = $"settlement-{Guid.NewGuid():N}";

        var id = await desk.ReportOutageAsync(system);
        await engineer.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-07", name = "Zhao Lei", team = "Cloud platform" });
        await desk.StepOkAsync(id, "responders/eng-07/dispatch", new { note = "Taxi to the data centre" });
        await engineer.StepOkAsync(id, "responders/eng-07/arrival");
        await engineer.StepOkAsync(id, "restore", new { summary = "Failed over to the standby database" });
        await engineer.StepOkAsync(id, "resolve", new { summary = "Disk controller replaced", cause = "hardware" });
        await desk.StepOkAsync(id, "comments", new { text = "Reporter confirmed hospitals can settle again" });
        var closed = await desk.StepOkAsync(id, "close", new { satisfaction = 5, feedback = "Quick and clear" });

        closed["status"]!.GetValue<string>().ShouldBe("closed");
        closed["version"]!.GetValue<long>().ShouldBe(9);
        closed["acknowledgedBy"]!["name"]!.GetValue<string>().ShouldBe("Zhao Lei");
        closed["responders"]![0]!["stage"]!.GetValue<string>().ShouldBe("on-site");
        closed["cause"]!.GetValue<string>().ShouldBe("hardware");
        closed["satisfaction"]!.GetValue<int>().ShouldBe(5);

        var timeline = await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline");
        var entries = timeline["entries"]!.AsArray();
        entries.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(
        [
            "incident-reported", "incident-acknowledged", "responder-assigned", "responder-dispatched",
            "responder-arrived-on-site", "service-restored", "incident-resolved", "incident-comment-added", "incident-closed",
        ]);
        entries.Select(e => e!["by"]!["id"]!.GetValue<string>()).ShouldBe(
            ["desk-01", "eng-07", "desk-01", "desk-01", "eng-07", "eng-07", "eng-07", "desk-01", "desk-01"]);
        entries.Select(e => e!["version"]!.GetValue<long>()).ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8, 9]);
        var times = entries.Select(e => e!["at"]!.GetValue<DateTimeOffset>()).ToList();
        times.ShouldBe(times.Order().ToList());
        entries[5]!["summary"]!.GetValue<string>().ShouldContain("Failed over to the standby database");
        entries.ShouldAllBe(e => !string.IsNullOrEmpty(e!["correlationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task every_lifecycle_step_is_announced_on_the_broker_in_order()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync($"billing-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "restore", new { summary = "Restarted the gateway" });

        var messages = await api.Broker.WaitForAsync(id, m => m.Count >= 3);

        messages.Select(m => m.MessageType).ShouldBe(
        [
            "urn:message:Incidents.Contracts:IncidentOpened",
            "urn:message:Incidents.Contracts:IncidentLifecycleChanged",
            "urn:message:Incidents.Contracts:IncidentLifecycleChanged",
        ]);
        messages[0].Message.GetProperty("class").GetString().ShouldBe("outage");
        messages[1].Message.GetProperty("step").GetString().ShouldBe("acknowledged");
        messages[2].Message.GetProperty("step").GetString().ShouldBe("service-restored");
        messages[2].Message.GetProperty("status").GetString().ShouldBe("restored");
        messages[2].Message.GetProperty("streamVersion").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task a_refused_step_appends_nothing_and_announces_nothing()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync($"hr-{Guid.NewGuid():N}");
        await api.Broker.WaitForAsync(id, m => m.Count >= 1);

        var response = await desk.StepAsync(id, "resolve", new { summary = "Nothing to see", cause = "unknown" });

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.Conflict, "incident.not-acknowledged");
        (await EventStore.EventCountAsync(id)).ShouldBe(1);
        (await api.Broker.AnnouncedBeforeBarrierAsync(desk, id)).Count.ShouldBe(1, "only the report was announced");
    }
}
