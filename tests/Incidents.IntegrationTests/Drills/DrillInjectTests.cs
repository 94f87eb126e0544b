using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Drills.Injecting;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Incidents.IntegrationTests.Drills;

/// <summary>
/// Injects end to end, on the test clock: scripted follow-ups are durable timers at their offset after the start; when they
/// fall due they change the synthetic incident through the normal incident rules as the drill script, and are recorded on
/// the drill and its scorecard — or skipped with the incident rule's reason when the incident has moved on.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class DrillInjectTests(SlaFixture api)
{
    private IncidentsClient Coordinator => api.Client("drill-01", "Sun Yu", "drill-coordinator");

    private IncidentsClient Supervisor => api.Client("sup-01", "Liu Yang", "supervisor");

    private TestClock Clock => api.Clock;

    private static object FaultPlan(string system, DateTimeOffset plannedStart, params object[] injects) => new
    {
        title = "Portal fault that spreads",
        kind = "emergency-plan-exercise",
        scenario = new { @class = "fault", affectedSystem = system, script = "Caller: the claims portal is slow." },
        plannedStart,
        expectedDuration = "PT30M",
        objectives = new[] { "handle the escalation" },
        injects,
    };

    private static async Task<JsonArray> TimelineAsync(IncidentsClient client, Guid id) =>
        (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray();

    private static JsonNode Inject(JsonNode drill, int index) => drill["injects"]!.AsArray()[index]!;

    [Fact]
    public async Task an_inject_ten_minutes_in_turns_the_fault_into_an_outage_as_the_drill_script()
    {
        const string system = "drill-test-9";
        var desk = api.Client();
        var plannedStart = Clock.Now.AddHours(2);
        var drillId = await Coordinator.ScheduleOkAsync(FaultPlan(system, plannedStart, new
        {
            offset = "PT10M",
            description = "The fault becomes an outage",
            reclassifyTo = "outage",
            comment = "Caller: now no hospital can log in at all.",
        }));
        var planned = Inject(await Coordinator.DrillAsync(drillId), 0);
        planned["status"]!.GetValue<string>().ShouldBe("pending");
        planned["offset"]!.GetValue<string>().ShouldBe("PT10M");

        // The drill starts by itself at its planned start; its inject is a timer for ten minutes later.
        await Clock.RunDueAsync(plannedStart, drillId);
        var drill = await Coordinator.DrillAsync(drillId);
        drill["startedByHand"]!.GetValue<bool>().ShouldBeFalse();
        var startedAt = drill["startedAt"]!.GetValue<DateTimeOffset>();
        startedAt.ShouldBe(plannedStart);
        var incidentId = drill["incidentId"]!.GetValue<Guid>();
        Inject(drill, 0)["status"]!.GetValue<string>().ShouldBe("pending");
        (await Clock.PendingAsync(drillId)).Select(t => t.At).ShouldBe([startedAt.AddMinutes(10)]);

        await Clock.RunDueAsync(startedAt.AddMinutes(10), drillId, incidentId);
        drill = await Coordinator.DrillAsync(drillId);
        var inject = Inject(drill, 0);
        inject["status"]!.GetValue<string>().ShouldBe("applied", inject.ToJsonString());
        inject["plannedAt"]!.GetValue<DateTimeOffset>().ShouldBe(startedAt.AddMinutes(10));
        var recordedAt = inject["recordedAt"]!.GetValue<DateTimeOffset>();
        recordedAt.ShouldBe(startedAt.AddMinutes(10), "an inject fires at its time");

        // The incident was reclassified and the caller spoke, by the drill script, at the inject's time.
        var incident = await desk.GetAsync(incidentId);
        incident["class"]!.GetValue<string>().ShouldBe("outage");
        var entries = await TimelineAsync(desk, incidentId);
        var reclassified = entries.Single(e => e!["type"]!.GetValue<string>() == "incident-reclassified")!;
        reclassified["by"]!["id"]!.GetValue<string>().ShouldBe("drill-script");
        reclassified["at"]!.GetValue<DateTimeOffset>().ShouldBe(recordedAt, TimeSpan.FromMilliseconds(1));
        reclassified["data"]!["reason"]!.GetValue<string>().ShouldBe("Drill inject 1: The fault becomes an outage");
        var comment = entries.Single(e => e!["type"]!.GetValue<string>() == "incident-comment-added")!;
        comment["data"]!["text"]!.GetValue<string>().ShouldBe("Caller: now no hospital can log in at all.");
        comment["by"]!["id"]!.GetValue<string>().ShouldBe("drill-script");

        // The SLA clock re-targets: an outage has a restore stage that a fault has not.
        var clocks = await desk.GetJsonAsync($"/api/v1/incidents/{incidentId}/sla");
        clocks["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()).ShouldContain("restore");

        // Announced like a user's reclassification, flagged as a drill.
        var messages = await api.Broker.WaitForAsync(incidentId,
            m => m.Any(x => x.Message.TryGetProperty("step", out var step) && step.GetString() == "reclassified"));
        var announced = messages.First(x => x.Message.TryGetProperty("step", out var step) && step.GetString() == "reclassified");
        announced.Message.GetProperty("isDrill").GetBoolean().ShouldBeTrue();
        announced.Message.GetProperty("class").GetString().ShouldBe("outage");

        // A duplicate of the timer (redelivery) changes nothing: the drill already recorded the inject.
        var version = (await Coordinator.DrillAsync(drillId))["version"]!.GetValue<long>();
        await api.Factory.Services.GetRequiredService<IMessageBus>()
            .InvokeAsync(new DrillInjectDue(drillId, 0, incidentId, startedAt.AddMinutes(10)));
        (await Coordinator.DrillAsync(drillId))["version"]!.GetValue<long>().ShouldBe(version);
        (await TimelineAsync(desk, incidentId)).Count(e => e!["by"]!["id"]!.GetValue<string>() == "drill-script").ShouldBe(2);

        var card = await Supervisor.GetJsonAsync($"/api/v1/drills/{drillId}/scorecard");
        card["incidentClass"]!.GetValue<string>().ShouldBe("outage");
        card["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()).ShouldBe(["acknowledge", "on-site", "restore"]);
        var scored = card["injects"]!.AsArray().ShouldHaveSingleItem()!;
        scored["description"]!.GetValue<string>().ShouldBe("The fault becomes an outage");
        scored["status"]!.GetValue<string>().ShouldBe("applied");
        scored["recordedAt"]!.GetValue<DateTimeOffset>().ShouldBe(recordedAt, TimeSpan.FromMilliseconds(1));
        var markdown = await (await Supervisor.Http.GetAsync($"/api/v1/drills/{drillId}/scorecard.md")).Content.ReadAsStringAsync();
        markdown.ShouldContain("## Injects");
        markdown.ShouldContain("| 1 |");
        markdown.ShouldContain("| PT10M | The fault becomes an outage: reclassify to outage; caller: \"Caller: now no hospital can log in at all.\" |");
        markdown.ShouldContain("| applied |");
    }

    [Fact]
    public async Task injects_the_incident_has_moved_past_are_skipped_with_the_incident_rule_as_reason()
    {
        const string system = "drill-test-10";
        var desk = api.Client();
        var drillId = await Coordinator.ScheduleOkAsync(FaultPlan(system, Clock.Now.AddDays(3),
            new { offset = "PT5M", description = "It becomes an outage", reclassifyTo = "outage" },
            new { offset = "PT20M", description = "The caller calls back", comment = "Caller: is anyone working on this?" }));
        var started = await Coordinator.DrillStepOkAsync(drillId, "start");
        var incidentId = started["incidentId"]!.GetValue<Guid>();
        var startedAt = Clock.Now;

        // The desk saw it coming and reclassified by hand before the script did.
        await Clock.RunDueAsync(startedAt.AddMinutes(2), drillId, incidentId);
        await desk.StepOkAsync(incidentId, "reclassify", new { @class = "outage", reason = "Nobody can log in" });
        await Clock.RunDueAsync(startedAt.AddMinutes(5), drillId, incidentId);
        var drill = await Coordinator.DrillAsync(drillId);
        Inject(drill, 0)["status"]!.GetValue<string>().ShouldBe("skipped");
        Inject(drill, 0)["reason"]!.GetValue<string>().ShouldBe("incident.class-unchanged");
        Inject(drill, 1)["status"]!.GetValue<string>().ShouldBe("pending");

        // Then it is worked to close before the caller's call-back is due.
        await desk.StepOkAsync(incidentId, "acknowledge");
        await desk.StepOkAsync(incidentId, "restore", new { summary = "Failed over" });
        await desk.StepOkAsync(incidentId, "resolve", new { summary = "Done", cause = "other" });
        await desk.StepOkAsync(incidentId, "close", new { satisfaction = 4 });
        await Clock.RunDueAsync(startedAt.AddMinutes(20), drillId, incidentId);
        drill = await Coordinator.DrillAsync(drillId);
        Inject(drill, 1)["status"]!.GetValue<string>().ShouldBe("skipped");
        Inject(drill, 1)["reason"]!.GetValue<string>().ShouldBe("incident.closed");

        // Nothing of the script reached the incident: the one reclassification is the desk's, no comment.
        var entries = await TimelineAsync(desk, incidentId);
        entries.ShouldNotContain(e => e!["by"]!["id"]!.GetValue<string>() == "drill-script");
        entries.Count(e => e!["type"]!.GetValue<string>() == "incident-reclassified").ShouldBe(1);

        var card = await Supervisor.GetJsonAsync($"/api/v1/drills/{drillId}/scorecard");
        card["injects"]!.AsArray().Select(i => (i!["status"]!.GetValue<string>(), i["reason"]!.GetValue<string>()))
            .ShouldBe([("skipped", "incident.class-unchanged"), ("skipped", "incident.closed")]);
        var markdown = await (await Supervisor.Http.GetAsync($"/api/v1/drills/{drillId}/scorecard.md")).Content.ReadAsStringAsync();
        markdown.ShouldContain("| skipped (incident.closed) |");
    }

    [Fact]
    public async Task an_inject_of_a_drill_completed_before_it_falls_due_never_fires()
    {
        var drillId = await Coordinator.ScheduleOkAsync(FaultPlan("drill-test-11", Clock.Now.AddDays(3),
            new { offset = "PT5M", description = "It becomes an outage", reclassifyTo = "outage" }));
        var incidentId = (await Coordinator.DrillStepOkAsync(drillId, "start"))["incidentId"]!.GetValue<Guid>();
        var startedAt = Clock.Now;
        // A control character inside a list is refused like anywhere else (400 naming the entry), and nothing is recorded.
        var refused = await IncidentsClient.ShouldBeProblemAsync(
            await Coordinator.DrillStepAsync(drillId, "complete", new { objectivesMet = new[] { "Fail\u0000over" }, lessonsLearned = "" }),
            HttpStatusCode.BadRequest, "request.invalid");
        refused["errors"]!["objectivesMet[0]"].ShouldNotBeNull();
        (await Coordinator.DrillAsync(drillId))["status"]!.GetValue<string>().ShouldBe("started");
        await Coordinator.DrillStepOkAsync(drillId, "complete", new { objectivesMet = Array.Empty<string>(), lessonsLearned = "Called off early." });

        (await Clock.RunDueAsync(startedAt.AddHours(1), drillId)).ShouldBe(1, "the inject's timer still falls due");

        var drill = await Coordinator.DrillAsync(drillId);
        Inject(drill, 0)["status"]!.GetValue<string>().ShouldBe("not-fired");
        (await api.Client().GetAsync(incidentId))["class"]!.GetValue<string>().ShouldBe("fault");
    }
}

/// <summary>Planned injects are checked with the rest of the plan: bad ones name the field and write nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class DrillInjectPlanningTests(ApiFixture api)
{
    private IncidentsClient Coordinator => api.Client("drill-01", "Sun Yu", "drill-coordinator");

    private static object Plan(string system, params object[] injects) => new
    {
        title = "Settlement database failover",
        kind = "cloud-platform-emergency-drill",
        scenario = new { @class = "outage", affectedSystem = system, script = "Caller: settlements fail." },
        plannedStart = DateTimeOffset.UtcNow.AddDays(20),
        expectedDuration = "PT30M",
        injects,
    };

    private async Task<long> DrillsOn(string system) =>
        (await Coordinator.GetJsonAsync($"/api/v1/drills?system={system}"))["total"]!.GetValue<long>();

    [Fact]
    public async Task an_inject_at_the_start_or_without_description_is_a_validation_problem_naming_the_fields()
    {
        var response = await Coordinator.ScheduleAsync(Plan("drill-test-12",
            new { offset = "PT5M", description = "Fine", comment = "Caller: still down." },
            new { offset = "PT0S", description = "", reclassifyTo = "major-event" }));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["injects[1].offset", "injects[1].description"], ignoreOrder: true);
        (await DrillsOn("drill-test-12")).ShouldBe(0);
    }

    [Fact]
    public async Task inject_texts_and_participants_with_control_characters_are_a_validation_problem()
    {
        var response = await Coordinator.ScheduleAsync(new
        {
            title = "Settlement database failover",
            kind = "cloud-platform-emergency-drill",
            scenario = new { @class = "outage", affectedSystem = "drill-test-12", script = "Caller: settlements fail." },
            plannedStart = DateTimeOffset.UtcNow.AddDays(20),
            participants = new[] { "desk-01", "eng\u000007" },
            injects = new[] { new { offset = "PT5M", description = "Bell\u0007", comment = "Caller: \u0000 still down." } },
        });

        // A NUL cannot even be stored: refused as bad input, not a server error.
        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key)
            .ShouldBe(["injects[0].description", "injects[0].comment", "participants[1]"], ignoreOrder: true);
        (await DrillsOn("drill-test-12")).ShouldBe(0);
    }

    [Fact]
    public async Task an_inject_after_the_expected_duration_is_refused_naming_it()
    {
        var response = await Coordinator.ScheduleAsync(Plan("drill-test-12",
            new { offset = "PT31M", description = "Too late", comment = "Caller: hello?" }));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "drill.inject-outside-window");
        problem["detail"]!.GetValue<string>().ShouldStartWith("injects[0].offset PT31M");
        (await DrillsOn("drill-test-12")).ShouldBe(0);
    }

    [Fact]
    public async Task an_inject_reclassifying_to_the_class_the_scenario_already_has_is_refused()
    {
        var response = await Coordinator.ScheduleAsync(Plan("drill-test-12",
            new { offset = "PT10M", description = "Still an outage", reclassifyTo = "outage" }));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "drill.inject-class-unchanged");
        problem["detail"]!.GetValue<string>().ShouldStartWith("injects[0].reclassifyTo");
        (await DrillsOn("drill-test-12")).ShouldBe(0);
    }

    [Fact]
    public async Task an_unknown_class_or_more_than_twenty_injects_are_bad_requests()
    {
        var unknown = await Coordinator.ScheduleAsync(Plan("drill-test-12",
            new { offset = "PT10M", description = "Meteor", reclassifyTo = "meteor-strike" }));
        var problem = await IncidentsClient.ShouldBeProblemAsync(unknown, HttpStatusCode.BadRequest, "request.malformed");
        problem["detail"]!.GetValue<string>().ShouldContain("injects");

        var many = await Coordinator.ScheduleAsync(Plan("drill-test-12",
            [.. Enumerable.Range(1, 21).Select(m => (object)new { offset = $"PT{m}M", description = "Ping", comment = "Caller: hello?" })]));
        problem = await IncidentsClient.ShouldBeProblemAsync(many, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["injects"]);
        (await DrillsOn("drill-test-12")).ShouldBe(0);
    }

    [Fact]
    public async Task a_planned_inject_is_shown_on_the_drill_at_the_planned_start_plus_its_offset()
    {
        var response = await Coordinator.ScheduleAsync(Plan("drill-test-13",
            new { offset = "PT10M", description = "It spreads", reclassifyTo = "major-event", comment = "Caller: the portal too." }));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var drill = await IncidentsClient.ReadJsonAsync(response);

        var inject = drill["injects"]!.AsArray().ShouldHaveSingleItem()!;
        inject["index"]!.GetValue<int>().ShouldBe(0);
        inject["offset"]!.GetValue<string>().ShouldBe("PT10M");
        inject["reclassifyTo"]!.GetValue<string>().ShouldBe("major-event");
        inject["comment"]!.GetValue<string>().ShouldBe("Caller: the portal too.");
        inject["status"]!.GetValue<string>().ShouldBe("pending");
        inject["plannedAt"]!.GetValue<DateTimeOffset>()
            .ShouldBe(drill["plannedStart"]!.GetValue<DateTimeOffset>().AddMinutes(10), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task the_openapi_document_shows_injects_in_the_schedule_request()
    {
        var document = await api.Client().GetJsonAsync("/openapi/v1.json");

        var schemas = document["components"]!["schemas"]!;
        var injects = schemas["ScheduleDrillRequest"]!["properties"]!["injects"]!;
        injects.ToJsonString().ShouldContain("DrillInjectRequest");
        schemas["DrillInjectRequest"]!["properties"]!.AsObject().Select(p => p.Key)
            .ShouldBe(["offset", "description", "reclassifyTo", "comment"], ignoreOrder: true);
        document["paths"]!["/api/v1/drills"]!["post"]!["description"]!.GetValue<string>().ShouldContain("injects");
    }
}
