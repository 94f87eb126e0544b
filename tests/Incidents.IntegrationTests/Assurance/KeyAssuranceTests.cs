using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Assurance;

/// <summary>
/// An API host with the contract's policy and chains in force, the default tighter key-assurance policy, a resource-adjustment
/// clock of 4 seconds (warning at half) instead of 2 hours, and the test clock; a probe on the key-assurance exchange.
/// </summary>
public sealed class KeyAssuranceFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_assurance";

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Escalation:Policy:None"] = "false",
        ["KeyAssurance:ResourceAdjustment:Target"] = "PT4S",
        ["KeyAssurance:ResourceAdjustment:WarningFractions:0"] = "0.5",
    };

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public BrokerProbe Broker { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Broker = await BrokerProbe.BindAsync(Messaging.AssuranceEventsExchange);
        Factory = await TestHost.StartAsync(Database, Settings, Clock.Time);
        Clock.Attach(Factory, Database);

        // The period's dedicated roster: two engineers handing off daily at 09:00 Beijing time.
        var admin = Client("admin-01", "Ma Lin", "admin");
        foreach (var (id, name) in new[] { ("ka-ann", "安娜"), ("ka-bob", "包博") })
        {
            (await admin.Http.PostAsJsonAsync("/api/v1/people", new
            {
                id, name, team = "Key assurance", roles = new[] { "duty-engineer" }, contacts = new { email = $"{id}@example.org" },
            })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var roster = await admin.Http.PostAsJsonAsync("/api/v1/rosters", new
        {
            name = "两会重保值班",
            layers = new[]
            {
                new { name = "engineers", rotation = "daily", handOff = "09:00", members = new[] { "ka-ann", "ka-bob" }, days = "every",
                    startsOn = Clock.Now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd") },
            },
        });
        roster.StatusCode.ShouldBe(HttpStatusCode.Created, await roster.Content.ReadAsStringAsync());
        RosterId = (await IncidentsClient.ReadJsonAsync(roster))["id"]!.GetValue<Guid>();
    }

    /// <summary>The roster every period of these tests is planned with.</summary>
    public Guid RosterId { get; private set; }

    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline") =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>Issue #11 item 5: key-assurance periods (重保), their tighter policy, resource adjustments and the yearly count.</summary>
public sealed class KeyAssuranceTests(KeyAssuranceFixture fixture) : IClassFixture<KeyAssuranceFixture>
{
    private TestClock Clock => fixture.Clock;

    private IncidentsClient Admin => fixture.Client("admin-01", "Ma Lin", "admin");

    private object Period(DateTimeOffset start, DateTimeOffset end, params string[] systems) => PeriodOn(fixture.RosterId, start, end, systems);

    private static object PeriodOn(Guid rosterId, DateTimeOffset start, DateTimeOffset end, params string[] systems) => new
    {
        name = "2031 两会重保",
        kind = "two-sessions",
        start,
        end,
        systems,
        plan = "两会期间保障方案 v2 (OA-2031-031): 7×24 值守, 核心系统实时监控",
        rosterId,
    };

    private async Task<JsonNode> PlanAsync(object period)
    {
        var response = await Admin.Http.PostAsJsonAsync("/api/v1/assurance-periods", period);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldStartWith("/api/v1/assurance-periods/");
        return await IncidentsClient.ReadJsonAsync(response);
    }

    private static async Task<List<string>> TimelineTypesAsync(IncidentsClient client, Guid id) =>
        (await client.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task during_an_active_period_an_in_scope_incident_gets_the_tighter_policy_an_out_of_scope_one_does_not_and_the_period_ends_with_its_summary()
    {
        var inScope = $"settlement-{Guid.NewGuid():N}"[..30];
        var elsewhere = $"warehouse-{Guid.NewGuid():N}"[..30];
        var start = Clock.Now.AddHours(1);
        var end = start.AddDays(10);
        var period = await PlanAsync(Period(start, end, inScope));
        var periodId = period["id"]!.GetValue<Guid>();
        period["status"]!.GetValue<string>().ShouldBe("planned");

        // Before the window opens, the system in scope is on the ordinary policy.
        var desk = fixture.Client();
        var early = await desk.ReportOutageAsync(inScope);
        (await desk.GetAsync(early))["slaPolicy"]!.GetValue<string>().ShouldBe("contract-2026@v1");

        await Clock.RunDueAsync(start, periodId);
        (await desk.GetJsonAsync($"/api/v1/assurance-periods/{periodId}"))["status"]!.GetValue<string>().ShouldBe("active");

        var held = await desk.ReportOutageAsync(inScope);
        var ordinary = await desk.ReportOutageAsync(elsewhere);
        (await desk.GetAsync(held))["slaPolicy"]!.GetValue<string>().ShouldBe("key-assurance-2026@v1");
        (await desk.GetAsync(ordinary))["slaPolicy"]!.GetValue<string>().ShouldBe("contract-2026@v1");
        (await TimelineTypesAsync(desk, held)).ShouldContain("incident-under-key-assurance");
        (await TimelineTypesAsync(desk, ordinary)).ShouldNotContain("incident-under-key-assurance");

        // A minute later the held incident has breached its 1-minute acknowledgement and its chain moved to level 2; the
        // ordinary one is still inside its 5 minutes.
        var reportedAt = Clock.Now;
        await Clock.RunDueAsync(reportedAt.AddSeconds(61), held, ordinary, early);
        var heldTimeline = await TimelineTypesAsync(desk, held);
        heldTimeline.Count(t => t == "sla-breached").ShouldBe(1);
        heldTimeline.Count(t => t == "escalation-level-raised").ShouldBe(2);
        var ordinaryTimeline = await TimelineTypesAsync(desk, ordinary);
        ordinaryTimeline.ShouldNotContain("sla-breached");
        ordinaryTimeline.Count(t => t == "escalation-level-raised").ShouldBe(1);

        // The window closes by itself; the summary counts the in-scope incidents reported in it (not the early one, not the
        // other system), and the year counts one held period of the four.
        var engineer = fixture.Client("eng-07", "Zhao Lei", "responder,hotline");
        (await engineer.StepAsync(ordinary, "acknowledge")).IsSuccessStatusCode.ShouldBeTrue();
        // The roster's hand-offs run on the same clock as the window (one a day at 09:00 Beijing time).
        await Clock.RunDueAsync(end, periodId, fixture.RosterId);
        var completed = await desk.GetJsonAsync($"/api/v1/assurance-periods/{periodId}");
        completed["status"]!.GetValue<string>().ShouldBe("completed");
        var summary = completed["summary"]!;
        summary["incidents"]!.AsArray().Select(i => i!.GetValue<Guid>()).ShouldBe([held]);
        summary["incidentsWithinSla"]!.GetValue<int>().ShouldBe(0);
        summary["slaAttainment"]!.GetValue<double>().ShouldBe(0);
        // Who was on duty: the roster's shifts in the window, alternating between its two engineers, and the hand-offs
        // recorded at each 09:00 inside it, each telling the incoming engineer what was open.
        var duty = summary["duty"]!;
        var shifts = duty["shifts"]!.AsArray();
        shifts.Count.ShouldBeGreaterThanOrEqualTo(10);
        shifts.Select(x => x!["personId"]!.GetValue<string>()).Distinct().ShouldBe(["ka-ann", "ka-bob"], ignoreOrder: true);
        shifts.Select(x => x!["name"]!.GetValue<string>()).ShouldContain("安娜");
        shifts[0]!["from"]!.GetValue<DateTimeOffset>().ShouldBe(start);
        shifts[^1]!["to"]!.GetValue<DateTimeOffset>().ShouldBe(end);
        duty["handOffs"]!.GetValue<int>().ShouldBe(shifts.Count - 1);
        var recorded = duty["recorded"]!.AsArray();
        recorded.Count.ShouldBe(duty["handOffs"]!.GetValue<int>());
        recorded.ShouldAllBe(h => h!["at"]!.GetValue<DateTimeOffset>() >= start && h["at"]!.GetValue<DateTimeOffset>() < end);
        recorded.ShouldAllBe(h => h!["at"]!.GetValue<DateTimeOffset>().ToOffset(TimeSpan.FromHours(8)).Hour == 9);
        recorded.ShouldAllBe(h => h!["from"]!.GetValue<string>() != h["to"]!.GetValue<string>());
        recorded.ShouldContain(h => h!["openIncidents"]!.GetValue<int>() >= 1, "the held incident was open at the hand-offs");

        var compliance = await desk.GetJsonAsync($"/api/v1/assurance-periods/compliance?year={start.ToOffset(TimeSpan.FromHours(8)).Year}");
        compliance["required"]!.GetValue<int>().ShouldBe(4);
        compliance["periods"]!.AsArray().Select(p => p!["id"]!.GetValue<Guid>()).ShouldContain(periodId);
        compliance["met"]!.GetValue<bool>().ShouldBe(compliance["held"]!.GetValue<int>() >= 4);

        // After the window, the system is on the ordinary policy again.
        var after = await desk.ReportOutageAsync(inScope);
        (await desk.GetAsync(after))["slaPolicy"]!.GetValue<string>().ShouldBe("contract-2026@v1");
        var integrity = await fixture.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/incidents/{periodId}/integrity");
        integrity["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task a_resource_adjustment_left_alone_is_warned_then_breaches_and_both_are_announced_on_rabbitmq()
    {
        var system = $"settlement-{Guid.NewGuid():N}"[..30];
        var start = Clock.Now.AddMinutes(10);
        var periodId = (await PlanAsync(Period(start, start.AddDays(5), system)))["id"]!.GetValue<Guid>();
        var desk = fixture.Client();

        var early = await desk.Http.PostAsJsonAsync($"/api/v1/assurance-periods/{periodId}/resource-adjustments",
            new { system, description = "Scale the settlement cluster to 16 vCPU" });
        await IncidentsClient.ShouldBeProblemAsync(early, HttpStatusCode.Conflict, "assurance.not-active");

        await Clock.RunDueAsync(start, periodId);
        var offScope = await desk.Http.PostAsJsonAsync($"/api/v1/assurance-periods/{periodId}/resource-adjustments",
            new { system = "data-warehouse", description = "More disk" });
        (await IncidentsClient.ShouldBeProblemAsync(offScope, HttpStatusCode.UnprocessableEntity, "resource-adjustment.system-out-of-scope"))
            ["errors"]!["system"].ShouldNotBeNull();

        var raised = await desk.Http.PostAsJsonAsync($"/api/v1/assurance-periods/{periodId}/resource-adjustments",
            new { system, description = "Scale the settlement cluster to 16 vCPU", requestedFor = "医保局值班室" });
        raised.StatusCode.ShouldBe(HttpStatusCode.Created, await raised.Content.ReadAsStringAsync());
        var adjustment = await IncidentsClient.ReadJsonAsync(raised);
        var id = adjustment["id"]!.GetValue<Guid>();
        adjustment["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(Clock.Now.AddSeconds(4));
        adjustment["clock"]!.GetValue<string>().ShouldBe("running");

        // A control, done in time, says nothing more.
        var done = await IncidentsClient.ReadJsonAsync(await desk.Http.PostAsJsonAsync(
            $"/api/v1/assurance-periods/{periodId}/resource-adjustments", new { system, description = "Open port 8443 on the gateway" }));
        var doneId = done["id"]!.GetValue<Guid>();
        (await desk.Http.PostAsJsonAsync($"/api/v1/resource-adjustments/{doneId}/complete", new { note = "Opened" })).StatusCode
            .ShouldBe(HttpStatusCode.OK);

        var requestedAt = Clock.Now;
        await Clock.RunDueAsync(requestedAt.AddSeconds(10), id, doneId);
        var after = await desk.GetJsonAsync($"/api/v1/resource-adjustments/{id}");
        after["clock"]!.GetValue<string>().ShouldBe("breached");
        after["breachedAt"]!.GetValue<DateTimeOffset>().ShouldBe(requestedAt.AddSeconds(4));
        after["warningsRaised"]!.AsArray().Select(w => w!.GetValue<double>()).ShouldBe([0.5]);
        (await desk.GetJsonAsync($"/api/v1/resource-adjustments/{doneId}"))["clock"]!.GetValue<string>().ShouldBe("done-in-time");

        var announced = await fixture.Broker.WaitForAsync(id,
            m => m.Any(x => x.MessageType == "urn:message:Incidents.Contracts:ResourceAdjustmentSlaBreached"), idProperty: "adjustmentId");
        announced.Select(m => m.MessageType["urn:message:Incidents.Contracts:".Length..]).ShouldBe(
            ["ResourceAdjustmentOpened", "ResourceAdjustmentSlaWarning", "ResourceAdjustmentSlaBreached"]);
        var breach = announced[^1].Message;
        breach.GetProperty("target").GetString().ShouldBe("PT4S");
        breach.GetProperty("periodId").GetGuid().ShouldBe(periodId);
        breach.GetProperty("periodName").GetString().ShouldBe("2031 两会重保");
        fixture.Broker.For(doneId, "adjustmentId").Select(m => m.MessageType).ShouldNotContain(t => t.EndsWith("Breached", StringComparison.Ordinal));

        // Done late: recorded as late, the breach stands.
        var late = await desk.Http.PostAsJsonAsync($"/api/v1/resource-adjustments/{id}/complete", new { note = "Scaled to 16 vCPU" });
        (await IncidentsClient.ReadJsonAsync(late))["clock"]!.GetValue<string>().ShouldBe("done-late");
        var listed = await desk.GetJsonAsync($"/api/v1/assurance-periods/{periodId}/resource-adjustments");
        listed["items"]!.AsArray().Select(a => a!["id"]!.GetValue<Guid>()).ShouldBe([id, doneId]);
    }

    [Theory]
    [InlineData(-1, 0, "end", "assurance.window-inverted", HttpStatusCode.UnprocessableEntity)]
    [InlineData(0, 61 * 24, "end", "assurance.window-too-long", HttpStatusCode.UnprocessableEntity)]
    public async Task a_window_that_ends_before_it_starts_or_is_longer_than_60_days_is_refused_naming_the_field_and_nothing_is_stored(
        int endBeforeStartHours, int lengthHours, string field, string code, HttpStatusCode status)
    {
        var system = $"bad-window-{Guid.NewGuid():N}"[..30];
        var start = Clock.Now.AddDays(2);
        var end = endBeforeStartHours < 0 ? start.AddHours(endBeforeStartHours) : start.AddHours(lengthHours);
        var before = (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>();

        var refused = await Admin.Http.PostAsJsonAsync("/api/v1/assurance-periods", Period(start, end, system));
        (await IncidentsClient.ShouldBeProblemAsync(refused, status, code))["errors"]![field].ShouldNotBeNull();
        (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Fact]
    public async Task a_roster_that_does_not_exist_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var before = (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>();

        var refused = await Admin.Http.PostAsJsonAsync("/api/v1/assurance-periods",
            PeriodOn(Guid.NewGuid(), Clock.Now.AddDays(1), Clock.Now.AddDays(2), "medical-insurance-settlement"));

        (await IncidentsClient.ShouldBeProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "assurance.unknown-roster"))
            ["errors"]!["rosterId"].ShouldNotBeNull();
        (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Fact]
    public async Task systems_that_are_not_system_names_and_missing_fields_are_400_naming_each_field_and_nothing_is_stored()
    {
        var before = (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>();
        var response = await Admin.Http.PostAsJsonAsync("/api/v1/assurance-periods", new
        {
            name = "国庆重保",
            kind = "national-day",
            start = Clock.Now.AddDays(1),
            end = Clock.Now.AddDays(3),
            systems = new[] { "medical-insurance-settlement", "Settlement Portal!" },
        });
        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        fields.ShouldContain(f => f.StartsWith("systems[1]", StringComparison.OrdinalIgnoreCase));
        fields.ShouldContain(f => f.Equals("plan", StringComparison.OrdinalIgnoreCase));

        var unknownKind = await Admin.PostRawAsync("/api/v1/assurance-periods",
            """{"name":"x","kind":"mid-autumn","start":"2031-09-01T00:00:00+08:00","end":"2031-09-02T00:00:00+08:00","systems":["a"],"plan":"p"}""");
        unknownKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Admin.GetJsonAsync("/api/v1/assurance-periods?pageSize=1"))["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Fact]
    public async Task a_cancelled_period_never_opens_gives_no_incident_its_policy_and_does_not_count()
    {
        var system = $"cancelled-{Guid.NewGuid():N}"[..30];
        var start = Clock.Now.AddMinutes(5);
        var period = await PlanAsync(Period(start, start.AddDays(1), system));
        var periodId = period["id"]!.GetValue<Guid>();

        var cancel = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assurance-periods/{periodId}/cancel")
        {
            Content = JsonContent.Create(new { reason = "上级通知取消" }),
        };
        cancel.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        (await Admin.Http.SendAsync(cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var hotline = fixture.Client();
        (await hotline.Http.PostAsJsonAsync($"/api/v1/assurance-periods/{periodId}/cancel", new { reason = "no" })).StatusCode
            .ShouldBe(HttpStatusCode.Forbidden, "hotline reads periods but does not plan them");

        await Clock.RunDueAsync(start.AddDays(2), periodId);
        (await hotline.GetJsonAsync($"/api/v1/assurance-periods/{periodId}"))["status"]!.GetValue<string>().ShouldBe("cancelled");
        var incident = await hotline.ReportOutageAsync(system);
        (await hotline.GetAsync(incident))["slaPolicy"]!.GetValue<string>().ShouldBe("contract-2026@v1");
        var year = start.ToOffset(TimeSpan.FromHours(8)).Year;
        (await hotline.GetJsonAsync($"/api/v1/assurance-periods/compliance?year={year}"))["periods"]!.AsArray()
            .Select(p => p!["id"]!.GetValue<Guid>()).ShouldNotContain(periodId);
    }
}
