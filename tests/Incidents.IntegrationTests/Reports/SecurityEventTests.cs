using System.Net;
using System.Net.Http.Json;
using Incidents.IntegrationTests.Drills;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Reports;

/// <summary>
/// Security events (graded 特别重大/重大/较大/一般) with their notice clocks to the purchaser and the regulator, the
/// analysis report's flow, and the purchaser's confirmations of the monthly report and a drill's scorecard.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class SecurityEventTests(SlaFixture api)
{
    private IncidentsClient Desk => api.Client();

    private IncidentsClient Engineer => api.Client("eng-07", "Zhao Lei", "responder", team: "Cloud platform");

    private IncidentsClient Purchaser => api.Client("buyer-01", "Wang Min", "purchaser");

    [Fact]
    public async Task a_larger_security_event_must_be_notified_within_an_hour_warned_then_breached_for_whom_nobody_told()
    {
        var incident = await Desk.ReportOutageAsync($"sec-{Guid.NewGuid():N}"[..20]);
        var marked = await Engineer.Http.PostAsJsonAsync($"/api/v1/incidents/{incident}/security-event", new { grade = "larger" });
        marked.StatusCode.ShouldBe(HttpStatusCode.Created, await marked.Content.ReadAsStringAsync());
        var report = await IncidentsClient.ReadJsonAsync(marked);
        var id = report["id"]!.GetValue<Guid>();
        marked.Headers.Location!.ToString().ShouldBe($"/api/v1/reports/{id}");
        report["grade"]!.GetValue<string>().ShouldBe("larger");
        report["noticeDeadlines"]!.AsArray().Select(d => d!["dueAt"]!.GetValue<DateTimeOffset>()).Distinct()
            .ShouldBe([api.Clock.Now + TimeSpan.FromHours(1)]);
        await IncidentsClient.ShouldBeProblemAsync(
            await Engineer.Http.PostAsJsonAsync($"/api/v1/incidents/{incident}/security-event", new { grade = "major" }),
            HttpStatusCode.Conflict, "report.already-exists");

        var start = api.Clock.Now;
        await api.Clock.RunDueAsync(start + TimeSpan.FromMinutes(10), id);
        await Engineer.ReportStepOkAsync(id, "notices", new
        {
            recipient = "purchaser", party = "医保局信息中心 Wang Min", channel = "phone", reference = "SEC-2031-001",
        });
        await api.Clock.RunDueAsync(start + TimeSpan.FromMinutes(50), id);
        var warned = await Engineer.GetReportAsync(id);
        Status(warned, "purchaser").ShouldBe("met");
        Status(warned, "regulator").ShouldBe("warning");

        await api.Clock.RunDueAsync(start + TimeSpan.FromMinutes(61), id);
        var breached = await Engineer.GetReportAsync(id);
        Status(breached, "regulator").ShouldBe("breached");
        var events = await Purchaser.GetJsonAsync($"/api/v1/incidents/{id}/integrity");
        events["ok"]!.GetValue<bool>().ShouldBeTrue();

        // The analysis report: containment is one of its required sections.
        await Engineer.ReportStepOkAsync(id, "sections", ReportClient.Sections("Patient data exposed to one scanner", "Unpatched VPN gateway"));
        await Engineer.ReportStepOkAsync(id, "actions", ReportClient.Action("Patch every VPN gateway"));
        await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "submit"),
            HttpStatusCode.UnprocessableEntity, "report.sections-missing");
        await Engineer.ReportStepOkAsync(id, "containment", new { description = "Blocked the scanner's addresses at the firewall" });
        await Engineer.ReportStepOkAsync(id, "notices", new { recipient = "regulator", party = "市网信办", channel = "official letter", reference = "网信〔2031〕7号" });
        await Engineer.ReportStepOkAsync(id, "submit");
        (await Purchaser.ReportStepOkAsync(id, "accept"))["status"]!.GetValue<string>().ShouldBe("accepted");
        Status(await Purchaser.GetReportAsync(id), "regulator").ShouldBe("met-late");
    }

    [Fact]
    public async Task containment_and_notices_belong_to_security_events_only()
    {
        var outage = await Desk.RestoredOutageAsync($"sec-{Guid.NewGuid():N}"[..20]);
        var id = await Engineer.OutageReportOfAsync(outage);
        await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "containment", new { description = "x" }),
            HttpStatusCode.Conflict, "report.not-security");
    }

    [Fact]
    public async Task the_purchaser_confirms_an_issued_monthly_report_once()
    {
        var admin = api.Client("admin-01", "Ma Lin", "admin");
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-01/confirm", new { }),
            HttpStatusCode.Conflict, "review.not-ready");
        (await admin.Http.PostAsync("/api/v1/reports/monthly/2031-02/issue", null)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await api.Client("sup-01", "Liu Yang", "supervisor").Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-02/confirm", new { }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var returned = await Purchaser.Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-02/return", new { comment = "Breach reasons missing" });
        returned.StatusCode.ShouldBe(HttpStatusCode.OK, await returned.Content.ReadAsStringAsync());
        var confirmed = await IncidentsClient.ReadJsonAsync(await Purchaser.Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-02/confirm", new { }));
        confirmed["confirmed"]!.GetValue<bool>().ShouldBeTrue();
        confirmed["decisions"]!.AsArray().Count.ShouldBe(2);
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-02/confirm", new { }),
            HttpStatusCode.Conflict, "review.already-confirmed");
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.Http.PostAsJsonAsync("/api/v1/reports/monthly/2031-02/return", new { comment = "Late" }),
            HttpStatusCode.Conflict, "review.already-confirmed");
    }

    [Fact]
    public async Task the_purchaser_confirms_a_completed_drills_scorecard_once()
    {
        var coordinator = api.Client("drill-01", "Sun Yu", "drill-coordinator");
        var drill = await coordinator.ScheduleOkAsync(DrillClient.Plan(TestHost.DrillSystems[^2], api.Clock.Now.AddDays(1)));
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.Http.PostAsJsonAsync($"/api/v1/drills/{drill}/scorecard/confirm", new { }),
            HttpStatusCode.Conflict, "review.not-ready");
        await coordinator.DrillStepOkAsync(drill, "start");
        await coordinator.DrillStepOkAsync(drill, "complete", new { objectivesMet = Array.Empty<string>(), lessonsLearned = "Fine." });
        (await coordinator.Http.PostAsJsonAsync($"/api/v1/drills/{drill}/scorecard/confirm", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var confirmed = await IncidentsClient.ReadJsonAsync(await Purchaser.Http.PostAsJsonAsync($"/api/v1/drills/{drill}/scorecard/confirm",
            new { comment = "OK" }));
        confirmed["scorecardReview"]!["accepted"]!.GetValue<bool>().ShouldBeTrue();
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.Http.PostAsJsonAsync($"/api/v1/drills/{drill}/scorecard/confirm", new { }),
            HttpStatusCode.Conflict, "review.already-confirmed");
    }

    private static string Status(System.Text.Json.Nodes.JsonNode report, string recipient) =>
        report["noticeDeadlines"]!.AsArray().Single(d => d!["recipient"]!.GetValue<string>() == recipient)!["status"]!.GetValue<string>();
}
