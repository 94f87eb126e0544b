using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Security;

/// <summary>The rules of the matrix that depend on the incident: responders work what is theirs, drill coordinators drills.</summary>
[Collection(ApiCollection.Name)]
public sealed class RoleScopeTests(ApiFixture api)
{
    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static object Report(string system, bool drill) => new
    {
        title = drill ? "Drill: settlement failover" : "Settlement service down",
        affectedSystem = system,
        @class = "outage",
        channel = "phone",
        reporter = new { name = "Wang Fang", phone = "13812345678" },
        isDrill = drill,
    };

    [Fact]
    public async Task a_responder_acknowledges_any_incident_but_works_only_those_assigned_to_them()
    {
        var desk = api.Client();
        var engineer = api.Client("eng-11", "Guo Tao", role: "responder");
        var id = await desk.ReportOutageAsync(NewSystem("responder-scope"));

        await engineer.StepOkAsync(id, "acknowledge");
        foreach (var (step, body) in new (string, object?)[]
                 {
                     ("restore", new { summary = "Restarted" }),
                     ("comments", new { text = "On it" }),
                     ("responders/eng-11/arrival", null),
                 })
        {
            var refused = await engineer.StepAsync(id, step, body);
            var problem = await IncidentsClient.ShouldBeProblemAsync(refused, HttpStatusCode.Forbidden, "auth.forbidden");
            problem["detail"]!.GetValue<string>().ShouldContain("not assigned to you");
        }

        (await EventStore.EventCountAsync(id)).ShouldBe(2, "the refused steps appended nothing");

        await desk.StepOkAsync(id, "responders", new { responderId = "eng-11", name = "Guo Tao" });
        await engineer.StepOkAsync(id, "comments", new { text = "On it" });
        var restored = await engineer.StepOkAsync(id, "restore", new { summary = "Restarted" });
        restored["status"]!.GetValue<string>().ShouldBe("restored");
    }

    [Fact]
    public async Task a_responder_records_dispatch_and_arrival_for_themselves_only_and_the_desk_for_anyone()
    {
        var desk = api.Client();
        var onTheRoad = api.Client("eng-21", "Wei Jun", role: "responder", team: "Platform");
        var teammate = api.Client("eng-22", "Qian Li", role: "responder", team: "Platform");
        var id = await desk.ReportOutageAsync(NewSystem("self-only"));
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-21", name = "Wei Jun", team = "Platform" });
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-22", name = "Qian Li", team = "Platform" });
        var before = await EventStore.EventCountAsync(id);

        // A teammate cannot mark a colleague still on the road as dispatched or on site: that would stop the on-site clock.
        foreach (var step in new[] { "responders/eng-21/dispatch", "responders/eng-21/arrival" })
        {
            var refused = await teammate.StepAsync(id, step);
            var problem = await IncidentsClient.ShouldBeProblemAsync(refused, HttpStatusCode.Forbidden, "auth.forbidden");
            problem["detail"]!.GetValue<string>().ShouldContain("for yourself");
        }

        (await EventStore.EventCountAsync(id)).ShouldBe(before, "the refused steps appended nothing");

        // Each records their own; the desk records anyone's.
        await onTheRoad.StepOkAsync(id, "responders/eng-21/dispatch");
        await desk.StepOkAsync(id, "responders/eng-22/dispatch");
        var arrived = await onTheRoad.StepOkAsync(id, "responders/eng-21/arrival");
        arrived["status"]!.GetValue<string>().ShouldBe("on-site");
    }

    [Fact]
    public async Task a_responder_works_incidents_assigned_to_their_team_but_not_another_team()
    {
        var desk = api.Client();
        var colleague = api.Client("eng-12", "Hu Min", role: "responder", team: "Network");
        var stranger = api.Client("eng-13", "Xu Bo", role: "responder", team: "Storage");
        var id = await desk.ReportOutageAsync(NewSystem("team-scope"));
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-99", name = "Lin Feng", team = "Network" });

        await colleague.StepOkAsync(id, "comments", new { text = "Network team looking" });
        await IncidentsClient.ShouldBeProblemAsync(await stranger.StepAsync(id, "comments", new { text = "Me too" }),
            HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task a_responder_may_not_take_the_desks_steps_even_on_their_own_incident()
    {
        var desk = api.Client();
        var engineer = api.Client("eng-14", "Deng Hui", role: "responder");
        var id = await desk.ReportOutageAsync(NewSystem("desk-steps"));
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-14", name = "Deng Hui" });

        await IncidentsClient.ShouldBeProblemAsync(await engineer.StepAsync(id, "responders", new { responderId = "eng-15", name = "Ye Qing" }),
            HttpStatusCode.Forbidden, "auth.forbidden");
        await IncidentsClient.ShouldBeProblemAsync(await engineer.StepAsync(id, "cancel", new { reason = "false-alarm", explanation = "x" }),
            HttpStatusCode.Forbidden, "auth.forbidden");
        await IncidentsClient.ShouldBeProblemAsync(await engineer.ReportAsync(IncidentsClient.OutageReport(NewSystem("responder-report"))),
            HttpStatusCode.Forbidden, "auth.forbidden");
        (await EventStore.EventCountAsync(id)).ShouldBe(3);
    }

    [Fact]
    public async Task a_drill_coordinator_reports_drills_only_and_sees_drills_only()
    {
        var coordinator = api.Client("drill-01", "Sun Yu", role: "drill-coordinator");
        var desk = api.Client();
        var system = NewSystem("drill-scope");

        var real = await coordinator.ReportAsync(Report(system, drill: false));
        await IncidentsClient.ShouldBeProblemAsync(real, HttpStatusCode.Forbidden, "auth.forbidden");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0);

        var drill = await coordinator.ReportAsync(Report(system, drill: true));
        drill.StatusCode.ShouldBe(HttpStatusCode.Created, await drill.Content.ReadAsStringAsync());
        var drillId = (await IncidentsClient.ReadJsonAsync(drill))["id"]!.GetValue<Guid>();
        var realId = await desk.ReportOutageAsync(system);

        (await coordinator.GetAsync(drillId))["isDrill"]!.GetValue<bool>().ShouldBeTrue();
        foreach (var path in new[] { $"/api/v1/incidents/{realId}", $"/api/v1/incidents/{realId}/timeline", $"/api/v1/incidents/{realId}/sla" })
        {
            await IncidentsClient.ShouldBeProblemAsync(await coordinator.Http.GetAsync(path), HttpStatusCode.NotFound, "incident.not-found");
        }

        var listed = (await coordinator.GetJsonAsync($"/api/v1/incidents?system={system}&drills=include"))["items"]!.AsArray();
        listed.Select(i => i!["id"]!.GetValue<Guid>()).ShouldBe([drillId]);
        var board = (await coordinator.GetJsonAsync($"/api/v1/sla/board?system={system}"))["entries"]!.AsArray();
        board.ShouldAllBe(e => e!["incidentId"]!.GetValue<Guid>() == drillId);
        (await desk.GetJsonAsync($"/api/v1/incidents?system={system}&drills=include"))["items"]!.AsArray().Count.ShouldBe(2);
    }
}
