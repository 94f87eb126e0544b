using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests;

/// <summary>
/// Whatever a client sends, the API answers with a problem it can act on — never a 500 — and keeps nothing of a refused
/// request: no stream, no event, no read model.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiFixture api)
{
    private const string Incidents = "/api/v1/incidents";

    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static JsonObject Report(string system, string @class = "outage") => new()
    {
        ["title"] = "Settlement service down",
        ["description"] = "Hospitals cannot submit settlements; login page times out.",
        ["affectedSystem"] = system,
        ["class"] = @class,
        ["channel"] = "phone",
        ["reporter"] = new JsonObject { ["name"] = "Wang Fang", ["phone"] = "+86 10 8888 0000", ["email"] = "wang.fang@example.org" },
    };

    private static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    /// <summary>Reports through the API and walks the incident to the wanted point; returns its id.</summary>
    private async Task<Guid> IncidentAsync(string system, string @class = "outage", bool acknowledged = false,
        bool resolved = false)
    {
        var desk = api.Client();
        var response = await desk.PostRawAsync(Incidents, Report(system, @class).ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        if (acknowledged || resolved)
        {
            await desk.StepOkAsync(id, "acknowledge");
        }

        if (resolved)
        {
            if (@class is "outage" or "major-event")
            {
                await desk.StepOkAsync(id, "restore", new { summary = "Failed over" });
            }

            await desk.StepOkAsync(id, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        }

        return id;
    }

    /// <summary>Asserts the problem and that the report left no trace: no incident on the system and no new stream.</summary>
    private static async Task<JsonNode> ShouldRefuseReportAsync(Func<Task<HttpResponseMessage>> send, string system,
        HttpStatusCode status, string code)
    {
        var streamsBefore = await EventStore.StreamCountAsync();
        var problem = await IncidentsClient.ShouldBeProblemAsync(await send(), status, code);
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0, "a refused report must not create an incident");
        (await EventStore.StreamCountAsync()).ShouldBe(streamsBefore, "a refused report must not start a stream");
        return problem;
    }

    /// <summary>Asserts the problem and that the incident's stream did not move.</summary>
    private static async Task<JsonNode> ShouldRefuseStepAsync(Guid id, Func<Task<HttpResponseMessage>> send,
        HttpStatusCode status, string code)
    {
        var before = await EventStore.EventCountAsync(id);
        var problem = await IncidentsClient.ShouldBeProblemAsync(await send(), status, code);
        (await EventStore.EventCountAsync(id)).ShouldBe(before, "a refused step must append nothing");
        return problem;
    }

    private static void ShouldName(JsonNode problem, string field)
    {
        var errors = problem["errors"]?.AsObject();
        errors.ShouldNotBeNull($"the problem should carry an errors map naming '{field}': {problem.ToJsonString()}");
        errors.Select(e => e.Key).ShouldContain(field, problem.ToJsonString());
        errors[field]!.AsArray().Count.ShouldBeGreaterThan(0);
    }

    // ---------------------------------------------------------------- malformed and wrongly typed JSON

    [Fact]
    public async Task a_report_that_is_not_json_is_400_request_malformed_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("malformed");
        var truncated = Report(system).ToJsonString()[..60];

        await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, truncated), system,
            HttpStatusCode.BadRequest, "request.malformed");
    }

    [Fact]
    public async Task a_step_on_a_stream_of_another_kind_is_404_and_touches_neither_stream()
    {
        var desk = api.Client();
        var coordinator = api.Client("drill-01", "Sun Yu", "drill-coordinator");
        var drill = await Drills.DrillClient.ScheduleOkAsync(coordinator,
            Drills.DrillClient.Plan(TestHost.DrillSystems[0], DateTimeOffset.UtcNow.AddDays(300)));
        var incident = await IncidentAsync(NewSystem("other-kind"));
        var (drillVersion, incidentVersion) = (await EventStore.EventCountAsync(drill), await EventStore.EventCountAsync(incident));

        // An incident step on a drill's id, and a drill step on an incident's id: each is an unknown resource.
        await IncidentsClient.ShouldBeProblemAsync(await desk.PostRawAsync($"{Incidents}/{drill}/comments", "{\"text\":\"hello\"}"),
            HttpStatusCode.NotFound, "incident.not-found");
        await IncidentsClient.ShouldBeProblemAsync(await coordinator.PostRawAsync($"/api/v1/drills/{incident}/cancel", "{\"reason\":\"x\"}"),
            HttpStatusCode.NotFound, "drill.not-found");

        (await EventStore.EventCountAsync(drill)).ShouldBe(drillVersion);
        (await EventStore.EventCountAsync(incident)).ShouldBe(incidentVersion);
    }

    [Fact]
    public async Task a_step_whose_body_is_not_json_is_400_request_malformed_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("malformed-step"), acknowledged: true);

        await ShouldRefuseStepAsync(id, () => desk.PostRawAsync($"{Incidents}/{id}/restore", "{\"summary\": "),
            HttpStatusCode.BadRequest, "request.malformed");
        await ShouldRefuseStepAsync(id, () => desk.PostRawAsync($"{Incidents}/{id}/comments", "text=hello"),
            HttpStatusCode.BadRequest, "request.malformed");
    }

    [Theory]
    [InlineData("title", "123")]
    [InlineData("class", "\"banana\"")]
    [InlineData("class", "0")]
    [InlineData("channel", "\"carrier-pigeon\"")]
    [InlineData("isDrill", "\"yes\"")]
    [InlineData("reporter", "\"Wang Fang\"")]
    public async Task a_report_with_a_wrongly_typed_field_is_400_and_creates_nothing(string field, string value)
    {
        var desk = api.Client();
        var system = NewSystem("wrong-type");
        var body = Report(system);
        body[field] = JsonNode.Parse(value);

        await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.malformed");
    }

    [Fact]
    public async Task a_step_with_a_wrongly_typed_field_is_400_and_appends_nothing()
    {
        var desk = api.Client();
        var resolved = await IncidentAsync(NewSystem("wrong-type-step"), "fault", resolved: true);

        await ShouldRefuseStepAsync(resolved, () => desk.PostRawAsync($"{Incidents}/{resolved}/close", "{\"satisfaction\": \"five\"}"),
            HttpStatusCode.BadRequest, "request.malformed");
        var acknowledged = await IncidentAsync(NewSystem("wrong-type-step"), "fault", acknowledged: true);
        await ShouldRefuseStepAsync(acknowledged,
            () => desk.PostRawAsync($"{Incidents}/{acknowledged}/resolve", "{\"summary\": \"fixed\", \"cause\": \"banana\"}"),
            HttpStatusCode.BadRequest, "request.malformed");
        await ShouldRefuseStepAsync(acknowledged,
            () => desk.PostRawAsync($"{Incidents}/{acknowledged}/cancel", "{\"reason\": \"false-alarm\", \"explanation\": [1]}"),
            HttpStatusCode.BadRequest, "request.malformed");
    }

    [Theory]
    [InlineData("title", "123")]
    [InlineData("class", "\"banana\"")]
    [InlineData("reporter.name", "5")]
    public async Task a_wrongly_typed_field_is_named_in_the_problem_errors(string field, string value)
    {
        var desk = api.Client();
        var system = NewSystem("wrong-type-named");
        var body = Report(system);
        var path = field.Split('.');
        var parent = path.Length == 1 ? body : body[path[0]]!.AsObject();
        parent[path[^1]] = JsonNode.Parse(value);

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.malformed");

        ShouldName(problem, field);
    }

    [Fact]
    public async Task a_malformed_body_problem_does_not_leak_the_servers_type_names()
    {
        var desk = api.Client();
        var system = NewSystem("leak");
        var body = Report(system);
        body["class"] = "banana";

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.malformed");

        problem.ToJsonString().ShouldNotContain("Incidents.Api.");
    }

    [Fact]
    public async Task a_report_with_no_body_or_a_null_body_is_400_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("no-body");

        var empty = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, ""), system,
            HttpStatusCode.BadRequest, "request.invalid");
        ShouldName(empty, "body");
        var nothing = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, "null"), system,
            HttpStatusCode.BadRequest, "request.invalid");
        ShouldName(nothing, "body");
    }

    [Fact]
    public async Task a_report_sent_as_plain_text_is_415_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("plain-text");

        await ShouldRefuseReportAsync(
            () => desk.Http.PostAsync(Incidents, new StringContent(Report(system).ToJsonString(), Encoding.UTF8, "text/plain")),
            system, HttpStatusCode.UnsupportedMediaType, "request.unsupported-media-type");
    }

    // ---------------------------------------------------------------- validation

    [Theory]
    [InlineData("title")]
    [InlineData("affectedSystem")]
    [InlineData("class")]
    [InlineData("channel")]
    [InlineData("reporter")]
    [InlineData("reporter.name")]
    public async Task a_report_missing_a_required_field_is_400_naming_the_field_and_creates_nothing(string field)
    {
        var desk = api.Client();
        var system = NewSystem("missing");
        var body = Report(system);
        if (field == "reporter.name")
        {
            body["reporter"]!.AsObject().Remove("name");
        }
        else
        {
            body.Remove(field);
        }

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, field);
    }

    [Theory]
    [InlineData("title", "")]
    [InlineData("title", "   ")]
    [InlineData("reporter.name", "  ")]
    [InlineData("reporter.email", "not-an-address")]
    [InlineData("reporter.phone", "call me maybe")]
    public async Task a_report_with_a_blank_or_invalid_field_is_400_naming_the_field_and_creates_nothing(string field, string value)
    {
        var desk = api.Client();
        var system = NewSystem("blank");
        var body = Report(system);
        var path = field.Split('.');
        var parent = path.Length == 1 ? body : body[path[0]]!.AsObject();
        parent[path[^1]] = value;

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, field);
    }

    [Theory]
    [InlineData("title", 201)]
    [InlineData("description", 4001)]
    [InlineData("reporter.name", 101)]
    public async Task a_report_with_an_oversize_field_is_400_naming_the_field_and_creates_nothing(string field, int length)
    {
        var desk = api.Client();
        var system = NewSystem("oversize");
        var body = Report(system);
        var path = field.Split('.');
        var parent = path.Length == 1 ? body : body[path[0]]!.AsObject();
        parent[path[^1]] = new string('x', length);

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, field);
    }

    [Fact]
    public async Task an_oversize_affected_system_is_400_naming_the_field_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("oversize-system") + new string('s', 80);
        system.Length.ShouldBeGreaterThan(100);

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, Report(system).ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "affectedSystem");
    }

    [Fact]
    public async Task a_title_of_exactly_200_characters_and_a_description_of_4000_are_accepted()
    {
        var desk = api.Client();
        var system = NewSystem("at-limit");
        var body = Report(system);
        body["title"] = new string('t', 200);
        body["description"] = new string('d', 4000);

        var response = await desk.PostRawAsync(Incidents, body.ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
    }

    [Fact]
    public async Task a_drill_id_on_a_report_that_is_not_a_drill_is_400_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("drill-id");
        var body = Report(system);
        body["drillId"] = Guid.NewGuid().ToString();

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "drillId");
    }

    [Fact]
    public async Task a_report_over_256_kb_is_413_request_too_large_and_creates_nothing()
    {
        // The 256 KB limit is Kestrel's, which the in-memory test server does not enforce: this one check runs on real Kestrel.
        await using var kestrel = api.Factory.WithWebHostBuilder(_ => { });
        kestrel.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        kestrel.StartServer();
        using var http = kestrel.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("hotline", "desk-01", "Li Na"));
        var system = NewSystem("too-large");
        var body = Report(system);
        body["padding"] = new string('x', 300 * 1024);

        await ShouldRefuseReportAsync(() => http.PostAsync(Incidents, Json(body.ToJsonString())), system,
            HttpStatusCode.RequestEntityTooLarge, "request.too-large");

        var id = await IncidentAsync(NewSystem("too-large-step"));
        await ShouldRefuseStepAsync(id,
            () => http.PostAsync($"{Incidents}/{id}/comments", Json($"{{\"text\":\"{new string('x', 300 * 1024)}\"}}")),
            HttpStatusCode.RequestEntityTooLarge, "request.too-large");
    }

    [Fact]
    public async Task a_huge_description_on_the_test_server_is_still_a_400_not_a_500()
    {
        var desk = api.Client();
        var system = NewSystem("huge");
        var body = Report(system);
        body["description"] = new string('x', 300 * 1024);

        var problem = await ShouldRefuseReportAsync(() => desk.PostRawAsync(Incidents, body.ToJsonString()), system,
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "description");
    }

    [Fact]
    public async Task a_nul_character_in_a_report_is_400_not_500_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("nul-report");
        var body = Report(system);
        body["title"] = "Settlement\u0000down";

        var response = await desk.PostRawAsync(Incidents, body.ToJsonString());

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0);
        (await TestServices.ScalarAsync<long>(
            "select count(*) from incidents.mt_events where data ->> 'affectedSystem' = @system", ("system", system))).ShouldBe(0);
    }

    [Fact]
    public async Task a_nul_character_in_a_comment_is_400_not_500_and_appends_and_announces_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("nul-comment"));
        await api.Broker.WaitForAsync(id, m => m.Count >= 1);

        var response = await desk.StepAsync(id, "comments", new { text = "Called back\u0000twice" });

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await EventStore.EventCountAsync(id)).ShouldBe(1);
        (await api.Broker.AnnouncedBeforeBarrierAsync(desk, id)).Count.ShouldBe(1, "only the report was announced");
    }

    [Fact]
    public async Task a_responder_id_the_api_accepts_can_be_used_in_the_dispatch_route()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("responder-slash"), acknowledged: true);
        const string responderId = "cloud/eng-07";

        var assigned = await desk.StepAsync(id, "responders", new { responderId, name = "Zhao Lei" });

        if (assigned.StatusCode == HttpStatusCode.BadRequest)
        {
            ShouldName(await IncidentsClient.ShouldBeProblemAsync(assigned, HttpStatusCode.BadRequest, "request.invalid"), "responderId");
            return;
        }

        assigned.StatusCode.ShouldBe(HttpStatusCode.OK, await assigned.Content.ReadAsStringAsync());
        var dispatched = await desk.StepAsync(id, $"responders/{Uri.EscapeDataString(responderId)}/dispatch");
        dispatched.StatusCode.ShouldBe(HttpStatusCode.OK,
            $"'{responderId}' was accepted on assignment, so it must be reachable in the route: {await dispatched.Content.ReadAsStringAsync()}");
    }

    // ---------------------------------------------------------------- unknown incidents and routes

    public static TheoryData<string, string?> Steps => new()
    {
        { "acknowledge", null },
        { "responders", """{"responderId":"eng-07","name":"Zhao Lei"}""" },
        { "responders/eng-07/dispatch", """{"note":"Taxi"}""" },
        { "responders/eng-07/arrival", null },
        { "restore", """{"summary":"Failed over"}""" },
        { "resolve", """{"summary":"Fixed","cause":"hardware"}""" },
        { "close", """{"satisfaction":5}""" },
        { "comments", """{"text":"Still down"}""" },
        { "reclassify", """{"class":"fault","reason":"Only one hospital"}""" },
        { "reopen", """{"reason":"It is back"}""" },
        { "cancel", """{"reason":"false-alarm","explanation":"Test call"}""" },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task every_step_on_an_unknown_incident_is_404_incident_not_found_and_starts_no_stream(string step, string? body)
    {
        var desk = api.Client();
        var unknown = Guid.NewGuid();

        var response = await desk.Http.PostAsync($"{Incidents}/{unknown}/{step}", body is null ? null : Json(body));

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.NotFound, "incident.not-found");
        (await EventStore.EventCountAsync(unknown)).ShouldBe(0);
        (await TestServices.ScalarAsync<long>("select count(*) from incidents.mt_streams where id = @id", ("id", unknown)))
            .ShouldBe(0);
    }

    [Fact]
    public async Task reading_an_unknown_incident_or_its_timeline_is_404_incident_not_found()
    {
        var desk = api.Client();
        var unknown = Guid.NewGuid();

        await IncidentsClient.ShouldBeProblemAsync(await desk.Http.GetAsync($"{Incidents}/{unknown}"),
            HttpStatusCode.NotFound, "incident.not-found");
        await IncidentsClient.ShouldBeProblemAsync(await desk.Http.GetAsync($"{Incidents}/{unknown}/timeline"),
            HttpStatusCode.NotFound, "incident.not-found");
    }

    [Theory]
    [InlineData("GET", "/api/v1/incidents/not-a-guid")]
    [InlineData("GET", "/api/v1/incidents/not-a-guid/timeline")]
    [InlineData("GET", "/api/v1/incidents/12345")]
    [InlineData("POST", "/api/v1/incidents/not-a-guid/acknowledge")]
    [InlineData("POST", "/api/v1/incidents/not-a-guid/comments")]
    [InlineData("POST", "/api/v1/incidents/not-a-guid/responders/eng-07/dispatch")]
    public async Task an_id_that_is_not_a_guid_is_a_404_problem_not_a_500(string method, string path)
    {
        var desk = api.Client();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json("""{"text":"hello","note":"n"}""");
        }

        var response = await desk.Http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        JsonNode.Parse(body)!["code"]!.GetValue<string>().ShouldBeOneOf("route.not-found", "incident.not-found");
    }

    [Theory]
    [InlineData("GET", "/api/v1/nothing-here")]
    [InlineData("GET", "/api/v2/incidents")]
    [InlineData("POST", "/api/v1/incidents/0190a0b4-4a0e-7000-8000-000000000000/teleport")]
    public async Task an_unknown_route_is_a_404_route_not_found_problem(string method, string path)
    {
        var desk = api.Client();

        var response = await desk.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.NotFound, "route.not-found");
        problem["correlationId"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("PUT", "/api/v1/incidents")]
    [InlineData("DELETE", "/api/v1/incidents/{id}")]
    [InlineData("PATCH", "/api/v1/incidents/{id}")]
    [InlineData("GET", "/api/v1/incidents/{id}/acknowledge")]
    [InlineData("POST", "/api/v1/incidents/{id}/timeline")]
    public async Task a_wrong_method_is_a_405_problem_and_changes_nothing(string method, string path)
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("wrong-method"));

        await ShouldRefuseStepAsync(id,
            () => desk.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()))),
            HttpStatusCode.MethodNotAllowed, "route.method-not-allowed");
    }

    // ---------------------------------------------------------------- refused transitions

    [Fact]
    public async Task acknowledging_twice_is_409_already_acknowledged_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("ack-twice"), acknowledged: true);

        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "acknowledge"), HttpStatusCode.Conflict,
            "incident.already-acknowledged");
        (await desk.GetAsync(id))["acknowledgedBy"]!["id"]!.GetValue<string>().ShouldBe("desk-01");
    }

    [Fact]
    public async Task closing_before_resolving_is_409_not_resolved_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("close-early"), acknowledged: true);

        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "close", new { satisfaction = 5 }), HttpStatusCode.Conflict,
            "incident.not-resolved");
        (await desk.GetAsync(id))["status"]!.GetValue<string>().ShouldBe("acknowledged");
    }

    [Fact]
    public async Task resolving_an_outage_before_its_service_is_restored_is_409_service_not_restored()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("resolve-early"), "outage", acknowledged: true);

        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "resolve", new { summary = "Fixed", cause = "software" }),
            HttpStatusCode.Conflict, "incident.service-not-restored");
    }

    [Fact]
    public async Task resolving_a_major_event_before_its_service_is_restored_is_409_service_not_restored()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("resolve-major"), "major-event", acknowledged: true);

        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "resolve", new { summary = "Fixed", cause = "software" }),
            HttpStatusCode.Conflict, "incident.service-not-restored");
    }

    [Fact]
    public async Task out_of_order_steps_are_409_with_their_stable_codes_and_append_nothing()
    {
        var desk = api.Client();
        var reported = await IncidentAsync(NewSystem("out-of-order"));

        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "restore", new { summary = "x" }),
            HttpStatusCode.Conflict, "incident.not-acknowledged");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "reopen", new { reason = "x" }),
            HttpStatusCode.Conflict, "incident.not-reopenable");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "reclassify", new { @class = "outage", reason = "x" }),
            HttpStatusCode.Conflict, "incident.class-unchanged");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "responders/ghost/dispatch"),
            HttpStatusCode.Conflict, "incident.not-acknowledged");

        await desk.StepOkAsync(reported, "acknowledge");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "responders/ghost/dispatch"),
            HttpStatusCode.Conflict, "incident.responder-not-assigned");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "responders/ghost/arrival"),
            HttpStatusCode.Conflict, "incident.responder-not-assigned");
        await desk.StepOkAsync(reported, "responders", new { responderId = "eng-07", name = "Zhao Lei" });
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "responders", new { responderId = "eng-07", name = "Zhao Lei" }),
            HttpStatusCode.Conflict, "incident.responder-already-assigned");
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "responders/eng-07/arrival"),
            HttpStatusCode.Conflict, "incident.responder-not-dispatched");
        await desk.StepOkAsync(reported, "restore", new { summary = "Failed over" });
        await ShouldRefuseStepAsync(reported, () => desk.StepAsync(reported, "restore", new { summary = "Again" }),
            HttpStatusCode.Conflict, "incident.already-restored");
    }

    [Fact]
    public async Task steps_on_a_cancelled_or_closed_incident_are_409_and_append_nothing()
    {
        var desk = api.Client();
        var cancelled = await IncidentAsync(NewSystem("cancelled"));
        await desk.StepOkAsync(cancelled, "cancel", new { reason = "false-alarm", explanation = "Test call from the hospital" });

        await ShouldRefuseStepAsync(cancelled, () => desk.StepAsync(cancelled, "acknowledge"), HttpStatusCode.Conflict, "incident.cancelled");
        await ShouldRefuseStepAsync(cancelled, () => desk.StepAsync(cancelled, "cancel", new { reason = "false-alarm", explanation = "again" }),
            HttpStatusCode.Conflict, "incident.cancelled");
        await ShouldRefuseStepAsync(cancelled, () => desk.StepAsync(cancelled, "reopen", new { reason = "x" }),
            HttpStatusCode.Conflict, "incident.not-reopenable");

        var closed = await IncidentAsync(NewSystem("closed"), "fault", resolved: true);
        await desk.StepOkAsync(closed, "close");
        await ShouldRefuseStepAsync(closed, () => desk.StepAsync(closed, "close"), HttpStatusCode.Conflict, "incident.already-closed");
        await ShouldRefuseStepAsync(closed, () => desk.StepAsync(closed, "acknowledge"), HttpStatusCode.Conflict, "incident.closed");
    }

    [Fact]
    public async Task a_refused_step_announces_nothing_on_the_broker()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("refused-quiet"), "outage", acknowledged: true);
        await api.Broker.WaitForAsync(id, m => m.Count >= 2);

        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "acknowledge"), HttpStatusCode.Conflict, "incident.already-acknowledged");
        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "resolve", new { summary = "x", cause = "unknown" }),
            HttpStatusCode.Conflict, "incident.service-not-restored");
        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "close"), HttpStatusCode.Conflict, "incident.not-resolved");
        await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "acknowledge", ifMatch: 1), HttpStatusCode.PreconditionFailed,
            "incident.version-mismatch");

        (await api.Broker.AnnouncedBeforeBarrierAsync(desk, id)).Count.ShouldBe(2, "only the report and the acknowledgement");
    }

    // ---------------------------------------------------------------- If-Match, close and cancel input

    [Theory]
    [InlineData("abc")]
    [InlineData("\"abc\"")]
    [InlineData("\"0\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"1.5\"")]
    public async Task an_unreadable_if_match_is_400_invalid_if_match_and_appends_nothing(string ifMatch)
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("bad-if-match"));
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Incidents}/{id}/acknowledge");
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        await ShouldRefuseStepAsync(id, () => desk.Http.SendAsync(request), HttpStatusCode.BadRequest, "request.invalid-if-match");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public async Task closing_with_a_satisfaction_outside_1_to_5_is_400_naming_it_and_appends_nothing(int satisfaction)
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("satisfaction"), "fault", resolved: true);

        var problem = await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "close", new { satisfaction }),
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "satisfaction");
        (await desk.GetAsync(id))["status"]!.GetValue<string>().ShouldBe("resolved");
    }

    [Fact]
    public async Task cancelling_as_duplicate_without_naming_the_original_is_400_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("dup-missing"));

        var problem = await ShouldRefuseStepAsync(id,
            () => desk.StepAsync(id, "cancel", new { reason = "duplicate", explanation = "Same call twice" }),
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "duplicateOf");
    }

    [Fact]
    public async Task cancelling_as_duplicate_of_an_unknown_incident_is_422_duplicate_of_unknown_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("dup-unknown"));

        await ShouldRefuseStepAsync(id,
            () => desk.StepAsync(id, "cancel", new { reason = "duplicate", duplicateOf = Guid.NewGuid(), explanation = "Same call" }),
            HttpStatusCode.UnprocessableEntity, "incident.duplicate-of-unknown");
        (await desk.GetAsync(id))["status"]!.GetValue<string>().ShouldBe("reported");
    }

    [Fact]
    public async Task cancelling_as_duplicate_of_itself_is_422_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("dup-self"));

        await ShouldRefuseStepAsync(id,
            () => desk.StepAsync(id, "cancel", new { reason = "duplicate", duplicateOf = id, explanation = "Same call" }),
            HttpStatusCode.UnprocessableEntity, "incident.duplicate-of-itself");
    }

    [Fact]
    public async Task cancelling_without_a_reason_or_explanation_is_400_naming_both()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("cancel-empty"));

        var problem = await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "cancel", new { }),
            HttpStatusCode.BadRequest, "request.invalid");

        ShouldName(problem, "reason");
        ShouldName(problem, "explanation");
    }

    [Fact]
    public async Task steps_with_missing_required_fields_are_400_naming_them_and_append_nothing()
    {
        var desk = api.Client();
        var id = await IncidentAsync(NewSystem("step-fields"), "fault", acknowledged: true);

        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "restore", new { summary = " " }),
            HttpStatusCode.BadRequest, "request.invalid"), "summary");
        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "resolve", new { summary = "Fixed" }),
            HttpStatusCode.BadRequest, "request.invalid"), "cause");
        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "responders", new { name = "Zhao Lei" }),
            HttpStatusCode.BadRequest, "request.invalid"), "responderId");
        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "comments", new { text = new string('c', 4001) }),
            HttpStatusCode.BadRequest, "request.invalid"), "text");
        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "reclassify", new { reason = "bigger" }),
            HttpStatusCode.BadRequest, "request.invalid"), "class");
        ShouldName(await ShouldRefuseStepAsync(id, () => desk.StepAsync(id, "restore"),
            HttpStatusCode.BadRequest, "request.invalid"), "body");
    }
}
