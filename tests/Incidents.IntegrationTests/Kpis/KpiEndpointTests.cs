using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Kpis;

/// <summary>
/// The KPI and report endpoints against real PostgreSQL: each test works its own affected system, so the figures it reads
/// are its own. The formulas themselves are worked by hand in the domain tests (KpiCalculatorTests).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KpiEndpointTests(ApiFixture api)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private IncidentsClient Supervisor => api.Client("sup-01", "Liu Yang", "supervisor");

    private IncidentsClient Admin => api.Client("admin-01", "Ma Lin", "admin");

    private static string ThisMonth => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).ToString("yyyy-MM");

    private static object Report(string system, string @class, bool drill = false) => new
    {
        title = $"{@class} on {system}",
        description = "Scripted for the KPI tests",
        affectedSystem = system,
        @class,
        channel = "phone",
        reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
        isDrill = drill,
    };

    private async Task<Guid> ReportAsync(IncidentsClient desk, string system, string @class, bool drill = false)
    {
        var response = await desk.ReportAsync(Report(system, @class, drill));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
    }

    /// <summary>An outage worked to close (rated 5), a fault acknowledged and left open, a drill outage acknowledged.</summary>
    private async Task<(Guid Outage, Guid Fault, Guid Drill)> ScriptAsync(string system)
    {
        var desk = api.Client();
        var outage = await ReportAsync(desk, system, "outage");
        await desk.StepOkAsync(outage, "acknowledge");
        await desk.StepOkAsync(outage, "restore", new { summary = "Failed over" });
        await desk.StepOkAsync(outage, "resolve", new { summary = "Disk replaced", cause = "hardware" });
        await desk.StepOkAsync(outage, "close", new { satisfaction = 5 });
        var fault = await ReportAsync(desk, system, "fault");
        await desk.StepOkAsync(fault, "acknowledge");
        var drill = await ReportAsync(api.Client("drill-01", "Sun Yu", "drill-coordinator"), system, "outage", drill: true);
        await desk.StepOkAsync(drill, "acknowledge");
        return (outage, fault, drill);
    }

    private Task<JsonNode> KpisAsync(string query) => Supervisor.GetJsonAsync($"/api/v1/kpis?{query}");

    [Fact]
    public async Task kpis_of_the_month_count_a_system_s_incidents_without_drills_and_name_the_evidence()
    {
        var system = $"kpi-{Guid.NewGuid():N}";
        var (outage, fault, drill) = await ScriptAsync(system);

        var view = await KpisAsync($"period={ThisMonth}&system={system}&by=day");
        var f = view["figures"]!;
        f["incidents"]!.GetValue<int>().ShouldBe(2);
        f["incidentIds"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([outage, fault], ignoreOrder: true);
        // Both acknowledged within seconds of the report: 2 of 2 within the 5-minute clock.
        f["faultResponseRate"]!["numerator"]!.GetValue<int>().ShouldBe(2);
        f["faultResponseRate"]!["denominator"]!.GetValue<int>().ShouldBe(2);
        // The outage is resolved, the fault is not: 1 of 2; the fault is the shortfall.
        f["faultResolutionRate"]!["numerator"]!.GetValue<int>().ShouldBe(1);
        f["faultResolutionRate"]!["shortfall"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([fault]);
        // One rating, a 5.
        f["userSatisfaction"]!["value"]!.GetValue<double>().ShouldBe(1.0);
        // The outage took the system down (briefly) and is the evidence of its availability.
        var availability = f["availabilityBySystem"]!.AsArray().Single(a => a!["system"]!.GetValue<string>() == system)!;
        availability["outages"]!.AsArray().Select(n => n!.GetValue<Guid>()).ShouldBe([outage]);
        availability["outageSeconds"]!.GetValue<double>().ShouldBeGreaterThan(0);
        view["buckets"]!.AsArray().Sum(b => b!["incidents"]!.GetValue<int>()).ShouldBe(2);
        var perClass = view["perClass"]!.AsArray().ToDictionary(c => c!["scope"]!.GetValue<string>(), c => c!);
        perClass.Keys.ShouldBe(["class:outage", "class:fault"], ignoreOrder: true);
        perClass["class:fault"]["faultResolutionRate"]!.GetValue<double>().ShouldBe(0);
        perClass["class:outage"]["userSatisfaction"]!.GetValue<double>().ShouldBe(1);
        view["perSystem"]!.AsArray().Single()!["incidents"]!.GetValue<int>().ShouldBe(2);
        view["evidenceLink"]!.GetValue<string>().ShouldBe("/api/v1/incidents/{id}/timeline");

        (await KpisAsync($"period={ThisMonth}&system={system}&drills=include"))["figures"]!["incidents"]!.GetValue<int>().ShouldBe(3);
        (await KpisAsync($"period={ThisMonth}&system={system}&drills=only"))["figures"]!["incidentIds"]!.AsArray()
            .Select(n => n!.GetValue<Guid>()).ShouldBe([drill]);
        (await KpisAsync($"period={ThisMonth}&system={system}&class=fault"))["figures"]!["incidents"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task asking_again_at_the_recorded_position_and_instant_gives_the_same_figures()
    {
        var system = $"kpi-{Guid.NewGuid():N}";
        var (_, fault, _) = await ScriptAsync(system);
        var first = await KpisAsync($"period={ThisMonth}&system={system}");
        var position = first["position"]!.GetValue<long>();
        var asOf = Uri.EscapeDataString(first["asOf"]!.GetValue<string>());

        // Later, the fault is worked to close: today's figures move, the recorded ones do not.
        var desk = api.Client();
        await desk.StepOkAsync(fault, "resolve", new { summary = "Patched", cause = "software" });
        await desk.StepOkAsync(fault, "close", new { satisfaction = 2 });
        var now = await KpisAsync($"period={ThisMonth}&system={system}");
        now["figures"]!["faultResolutionRate"]!["numerator"]!.GetValue<int>().ShouldBe(2);

        var again = await KpisAsync($"period={ThisMonth}&system={system}&position={position}&asOf={asOf}");
        again["figures"]!.ToJsonString().ShouldBe(first["figures"]!.ToJsonString());
    }

    [Fact]
    public async Task the_csv_export_and_the_printable_report_carry_the_figures()
    {
        var system = $"kpi-{Guid.NewGuid():N}";
        await ScriptAsync(system);

        var csv = await Supervisor.Http.GetAsync($"/api/v1/kpis.csv?period={ThisMonth}&system={system}");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Trim().ShouldBe("figure,scope,value,numerator,denominator,target,met,clause");
        lines.ShouldContain(l => l.StartsWith("incidents,all,2,", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("fault-resolution-rate,all,0.5,1,2,0.95,false", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("incidents,class:fault,1,", StringComparison.Ordinal));

        var report = await Supervisor.GetJsonAsync($"/api/v1/reports/monthly/{ThisMonth}?system={system}");
        report["outages"]!.AsArray().Count.ShouldBe(1);
        report["drills"]!.AsArray().Count.ShouldBe(1);
        report["targets"]!.AsArray().Count.ShouldBe(5);
        report["kpis"]!["buckets"]!.AsArray().Count.ShouldBe(DateTime.DaysInMonth(int.Parse(ThisMonth[..4]), int.Parse(ThisMonth[5..])));

        var html = await Supervisor.Http.GetAsync($"/api/v1/reports/monthly/{ThisMonth}.html?system={system}");
        html.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var page = await html.Content.ReadAsStringAsync();
        page.ShouldContain("<svg");
        page.ShouldContain(ThisMonth + " 月度运维服务报告", Case.Sensitive, "zh-CN by default");
        (await Supervisor.Http.GetStringAsync($"/api/v1/reports/monthly/{ThisMonth}.html?system={system}&lang=en"))
            .ShouldContain("Monthly service report " + ThisMonth);
    }

    [Fact]
    public async Task due_dates_follow_the_official_calendar_and_issuing_records_on_time_or_late()
    {
        var dates = await Supervisor.GetJsonAsync("/api/v1/reports/due-dates?year=2026");
        var september = dates["months"]!.AsArray().Single(m => m!["month"]!.GetValue<string>() == "2026-09")!;
        september["dueDate"]!.GetValue<string>().ShouldBe("2026-10-13");
        september["provisional"]!.GetValue<bool>().ShouldBeFalse();
        dates["months"]!.AsArray().Single(m => m!["month"]!.GetValue<string>() == "2026-12")!["provisional"]!.GetValue<bool>().ShouldBeTrue();

        var issued = await Admin.Http.PostAsync("/api/v1/reports/monthly/2002-03/issue", null);
        issued.StatusCode.ShouldBe(HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        (await IncidentsClient.ReadJsonAsync(issued))["onTime"]!.GetValue<bool>().ShouldBeFalse();
        var march = (await Supervisor.GetJsonAsync("/api/v1/reports/due-dates?year=2002"))["months"]!.AsArray()
            .Single(m => m!["month"]!.GetValue<string>() == "2002-03")!;
        march["onTime"]!.GetValue<bool>().ShouldBeFalse();
        march["issuedAt"].ShouldNotBeNull();
        march["overdue"]!.GetValue<bool>().ShouldBeFalse();
        (await Supervisor.GetJsonAsync("/api/v1/reports/due-dates?year=2002"))["months"]!.AsArray()
            .Single(m => m!["month"]!.GetValue<string>() == "2002-04")!["overdue"]!.GetValue<bool>().ShouldBeTrue();

        var next = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).AddMonths(1).ToString("yyyy-MM");
        await IncidentsClient.ShouldBeProblemAsync(await Admin.Http.PostAsync($"/api/v1/reports/monthly/{next}/issue", null),
            HttpStatusCode.UnprocessableEntity, "report.month-not-over");
        await IncidentsClient.ShouldBeProblemAsync(await Supervisor.Http.GetAsync("/api/v1/kpis?period=soon"),
            HttpStatusCode.BadRequest, "request.invalid");
    }

    [Theory]
    [InlineData("/api/v1/kpis?period=9999-12")]
    [InlineData("/api/v1/kpis?period=0001-01-01")]
    [InlineData("/api/v1/kpis.csv?period=1999-12-31")]
    [InlineData("/api/v1/reports/monthly/9999-12")]
    [InlineData("/api/v1/reports/monthly/0001-01.html")]
    public async Task a_period_outside_the_service_s_years_is_a_400_in_every_form(string path)
    {
        await IncidentsClient.ShouldBeProblemAsync(await Supervisor.Http.GetAsync(path), HttpStatusCode.BadRequest, "request.invalid");
    }

    [Fact]
    public async Task issuing_a_report_on_a_month_outside_the_service_s_years_is_a_400()
    {
        await IncidentsClient.ShouldBeProblemAsync(await Admin.Http.PostAsync("/api/v1/reports/monthly/0001-01/issue", null),
            HttpStatusCode.BadRequest, "request.invalid");
    }
}
