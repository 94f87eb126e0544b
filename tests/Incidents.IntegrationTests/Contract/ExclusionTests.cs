using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Contract;

/// <summary>
/// Contract 2.2.6 standard 8, end to end on the test clock: outage time inside a maintenance window the purchaser approved,
/// and an outage the purchaser accepted as force majeure, are left out of availability and listed with the minutes and the
/// reason; an unapproved window or a refused claim changes nothing. Each test works its own systems.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class ExclusionTests(SlaFixture sla)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private TestClock Clock => sla.Clock;

    private IncidentsClient Desk => sla.Client();

    private IncidentsClient Admin => sla.Client("admin-01", "Ma Lin", "admin");

    private IncidentsClient Supervisor => sla.Client("sup-01", "Liu Yang", "supervisor");

    private IncidentsClient Purchaser => sla.Client("buyer-01", "Zhou Min", "purchaser");

    private static string System(string what) => $"{what}-{Guid.NewGuid():N}";

    private static object Window(string title, DateTimeOffset starts, DateTimeOffset ends, params string[] systems) =>
        new { title, reason = "Database minor version upgrade", systems, starts, ends };

    private async Task<Guid> AnnounceAsync(object window)
    {
        var response = await Admin.Http.PostAsJsonAsync("/api/v1/maintenance-windows", window);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location.ShouldNotBeNull();
        return (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    /// <summary>The availability of one system over the local days around now (a range period).</summary>
    private async Task<JsonNode> AvailabilityAsync(string system)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.Now, Shanghai).DateTime);
        var range = $"{today.AddDays(-1):yyyy-MM-dd}..{today.AddDays(1):yyyy-MM-dd}";
        var kpis = await Supervisor.GetJsonAsync($"/api/v1/kpis?period={range}&system={system}");
        kpis["period"]!.GetValue<string>().ShouldBe(range);
        return kpis["figures"]!["availability"]!;
    }

    private async Task<Guid> OutageAsync(string system, TimeSpan down)
    {
        var id = await Desk.ReportOutageAsync(system);
        await Desk.StepOkAsync(id, "acknowledge");
        Clock.Advance(down);
        await Desk.StepOkAsync(id, "restore", new { summary = "Service back" });
        return id;
    }

    [Fact]
    public async Task an_outage_inside_an_approved_maintenance_window_is_excluded_and_listed_one_inside_an_unapproved_window_is_not()
    {
        var (approved, unapproved) = (System("maint-approved"), System("maint-unapproved"));
        var starts = Clock.Now + TimeSpan.FromDays(2);
        var ends = starts + TimeSpan.FromHours(2);
        var windowId = await AnnounceAsync(Window("Upgrade of the settlement database", starts, ends, approved));
        var otherId = await AnnounceAsync(Window("Upgrade nobody approved", starts, ends, unapproved));

        // Only the purchaser approves: admin and supervisor are refused, and nothing changes.
        foreach (var someone in new[] { Admin, Supervisor, Desk })
        {
            (await someone.Http.PostAsJsonAsync($"/api/v1/maintenance-windows/{windowId}/approve", new { })).StatusCode
                .ShouldBe(HttpStatusCode.Forbidden);
        }

        var approval = await Purchaser.Http.PostAsJsonAsync($"/api/v1/maintenance-windows/{windowId}/approve", new { comment = "同意" });
        approval.StatusCode.ShouldBe(HttpStatusCode.OK, await approval.Content.ReadAsStringAsync());
        (await IncidentsClient.ReadJsonAsync(approval))["status"]!.GetValue<string>().ShouldBe("approved");
        await IncidentsClient.ShouldBeProblemAsync(
            await Purchaser.Http.PostAsJsonAsync($"/api/v1/maintenance-windows/{windowId}/approve", new { }),
            HttpStatusCode.Conflict, "maintenance.already-decided");
        (await Supervisor.GetJsonAsync($"/api/v1/maintenance-windows/{otherId}"))["status"]!.GetValue<string>().ShouldBe("announced");

        // Both systems go down 30 minutes into the window, for 40 minutes.
        Clock.MoveTo(starts + TimeSpan.FromMinutes(30));
        var inApproved = await Desk.ReportOutageAsync(approved);
        var inUnapproved = await Desk.ReportOutageAsync(unapproved);
        await Desk.StepOkAsync(inApproved, "acknowledge");
        await Desk.StepOkAsync(inUnapproved, "acknowledge");
        Clock.Advance(TimeSpan.FromMinutes(40));
        await Desk.StepOkAsync(inApproved, "restore", new { summary = "Upgrade done" });
        await Desk.StepOkAsync(inUnapproved, "restore", new { summary = "Upgrade done" });
        Clock.Advance(TimeSpan.FromMinutes(5));

        var excluded = await AvailabilityAsync(approved);
        excluded["outageSeconds"]!.GetValue<double>().ShouldBe(0);
        excluded["excludedSeconds"]!.GetValue<double>().ShouldBe(2400);
        excluded["availability"]!.GetValue<double>().ShouldBe(1);
        var listed = excluded["exclusions"]!.AsArray().ShouldHaveSingleItem()!;
        listed["kind"]!.GetValue<string>().ShouldBe("planned-maintenance");
        listed["reference"]!.GetValue<Guid>().ShouldBe(windowId);
        listed["excludedSeconds"]!.GetValue<double>().ShouldBe(2400);
        listed["reason"]!.GetValue<string>().ShouldBe("Database minor version upgrade");
        listed["incidents"]!.AsArray().Select(i => i!.GetValue<Guid>()).ShouldBe([inApproved]);

        var counted = await AvailabilityAsync(unapproved);
        counted["outageSeconds"]!.GetValue<double>().ShouldBe(2400);
        counted["excludedSeconds"]!.GetValue<double>().ShouldBe(0);
        counted["exclusions"]!.AsArray().ShouldBeEmpty();
        counted["outages"]!.AsArray().Select(i => i!.GetValue<Guid>()).ShouldBe([inUnapproved]);
    }

    [Fact]
    public async Task only_the_part_of_an_outage_inside_the_approved_window_is_excluded()
    {
        var system = System("maint-partial");
        var starts = Clock.Now + TimeSpan.FromDays(2);
        var windowId = await AnnounceAsync(Window("Network switch replacement", starts, starts + TimeSpan.FromHours(1), system));
        (await Purchaser.Http.PostAsJsonAsync($"/api/v1/maintenance-windows/{windowId}/approve", new { })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Down from 45 minutes into the one-hour window until 30 minutes after it: 15 minutes excluded, 30 counted.
        Clock.MoveTo(starts + TimeSpan.FromMinutes(45));
        await OutageAsync(system, TimeSpan.FromMinutes(45));

        var availability = await AvailabilityAsync(system);
        availability["outageSeconds"]!.GetValue<double>().ShouldBe(1800);
        availability["excludedSeconds"]!.GetValue<double>().ShouldBe(900);
    }

    [Fact]
    public async Task bad_windows_are_refused_with_stable_codes_and_nothing_is_stored()
    {
        var system = System("maint-bad");
        var before = (await Supervisor.GetJsonAsync($"/api/v1/maintenance-windows?system={system}"))["total"]!.GetValue<int>();
        var tooSoon = Clock.Now + TimeSpan.FromHours(23);
        await IncidentsClient.ShouldBeProblemAsync(
            await Admin.Http.PostAsJsonAsync("/api/v1/maintenance-windows", Window("Too soon", tooSoon, tooSoon + TimeSpan.FromHours(1), system)),
            HttpStatusCode.UnprocessableEntity, "maintenance.short-notice");

        var starts = Clock.Now + TimeSpan.FromDays(3);
        await AnnounceAsync(Window("First", starts, starts + TimeSpan.FromHours(2), system));
        await IncidentsClient.ShouldBeProblemAsync(
            await Admin.Http.PostAsJsonAsync("/api/v1/maintenance-windows",
                Window("Overlapping", starts + TimeSpan.FromHours(1), starts + TimeSpan.FromHours(3), "another-system", system)),
            HttpStatusCode.Conflict, "maintenance.overlaps");
        await IncidentsClient.ShouldBeProblemAsync(
            await Admin.Http.PostAsJsonAsync("/api/v1/maintenance-windows", Window("Backwards", starts, starts - TimeSpan.FromHours(1), system)),
            HttpStatusCode.BadRequest, "request.invalid");
        (await Purchaser.Http.PostAsJsonAsync("/api/v1/maintenance-windows", Window("Not theirs", starts + TimeSpan.FromDays(1),
            starts + TimeSpan.FromDays(1.1), system))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await Supervisor.GetJsonAsync($"/api/v1/maintenance-windows?system={system}"))["total"]!.GetValue<int>().ShouldBe(before + 1);
    }

    [Fact]
    public async Task an_outage_the_purchaser_accepts_as_force_majeure_is_excluded_and_listed_a_refused_claim_is_not()
    {
        var (accepted, refused) = (System("fm-accepted"), System("fm-refused"));
        var flood = await OutageAsync(accepted, TimeSpan.FromMinutes(20));
        var other = await OutageAsync(refused, TimeSpan.FromMinutes(10));

        await Desk.StepOkAsync(flood, "force-majeure", new { reason = "机房所在区域特大暴雨导致市电中断" });
        await Desk.StepOkAsync(other, "force-majeure", new { reason = "Fibre cut by road works" });
        await IncidentsClient.ShouldBeProblemAsync(await Desk.StepAsync(flood, "force-majeure", new { reason = "again" }),
            HttpStatusCode.Conflict, "force-majeure.already-claimed");

        // Claimed but not approved: still counted.
        (await AvailabilityAsync(accepted))["outageSeconds"]!.GetValue<double>().ShouldBe(1200);

        foreach (var someone in new[] { Admin, Supervisor, Desk })
        {
            (await someone.StepAsync(flood, "force-majeure/approve", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        await Purchaser.StepOkAsync(flood, "force-majeure/approve", new { comment = "属实" });
        await Purchaser.StepOkAsync(other, "force-majeure/refuse", new { comment = "Road works were announced a week ahead" });
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.StepAsync(flood, "force-majeure/approve", new { }),
            HttpStatusCode.Conflict, "force-majeure.already-claimed");

        var excluded = await AvailabilityAsync(accepted);
        excluded["outageSeconds"]!.GetValue<double>().ShouldBe(0);
        excluded["excludedSeconds"]!.GetValue<double>().ShouldBe(1200);
        var listed = excluded["exclusions"]!.AsArray().ShouldHaveSingleItem()!;
        listed["kind"]!.GetValue<string>().ShouldBe("force-majeure");
        listed["reference"]!.GetValue<Guid>().ShouldBe(flood);
        listed["reason"]!.GetValue<string>().ShouldBe("机房所在区域特大暴雨导致市电中断");
        listed["approvedBy"]!.GetValue<string>().ShouldBe("Zhou Min");

        var counted = await AvailabilityAsync(refused);
        counted["outageSeconds"]!.GetValue<double>().ShouldBe(600);
        counted["exclusions"]!.AsArray().ShouldBeEmpty();

        // Each claim and decision is an event on the incident's own (hash-chained) stream.
        var timeline = (await Supervisor.GetJsonAsync($"/api/v1/incidents/{flood}/timeline"))["entries"]!.AsArray()
            .Select(e => e!["type"]!.GetValue<string>()).ToList();
        timeline.ShouldContain("force-majeure-claimed");
        timeline.ShouldContain("force-majeure-approved");
        (await Supervisor.GetJsonAsync($"/api/v1/incidents/{flood}/integrity"))["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task force_majeure_is_for_outages_and_major_events_only()
    {
        var response = await Desk.ReportAsync(new
        {
            title = "Printer jam",
            description = "Not an outage",
            affectedSystem = System("fm-fault"),
            @class = "fault",
            channel = "phone",
            reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
        });
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        await IncidentsClient.ShouldBeProblemAsync(await Desk.StepAsync(id, "force-majeure", new { reason = "Storm" }),
            HttpStatusCode.UnprocessableEntity, "force-majeure.not-an-outage");
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.StepAsync(id, "force-majeure/approve", new { }),
            HttpStatusCode.Conflict, "force-majeure.not-claimed");
    }
}
