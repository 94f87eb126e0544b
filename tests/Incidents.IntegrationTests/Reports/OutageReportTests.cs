using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Incidents;
using Incidents.Domain.Incidents;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Incidents.IntegrationTests.Reports;

/// <summary>
/// The outage report (宕机报告) end to end, on the test clock: a restore opens a pre-filled draft, the engineer completes
/// and submits it, the purchaser returns it with a comment, the engineer submits again, the purchaser accepts; a report
/// past its due time is flagged late; the monthly report lists it.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class OutageReportTests(SlaFixture api)
{
    private IncidentsClient Desk => api.Client();

    private IncidentsClient Engineer => api.Client("eng-07", "Zhao Lei", "responder", team: "Cloud platform");

    private IncidentsClient Purchaser => api.Client("buyer-01", "Wang Min", "purchaser");

    private static string System() => $"report-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task a_restored_outage_gets_a_prefilled_draft_that_is_submitted_returned_resubmitted_and_accepted()
    {
        var restoredAt = api.Clock.Now;
        var incident = await Desk.RestoredOutageAsync(System());
        var id = await Engineer.OutageReportOfAsync(incident);

        var draft = await Engineer.GetReportAsync(id);
        draft["status"]!.GetValue<string>().ShouldBe("draft");
        draft["kind"]!.GetValue<string>().ShouldBe("outage");
        draft["late"]!.GetValue<bool>().ShouldBeFalse();
        var facts = draft["facts"]!;
        facts["restoredAt"]!.GetValue<DateTimeOffset>().ShouldBe(restoredAt);
        facts["acknowledgedAt"]!.GetValue<DateTimeOffset>().ShouldBe(restoredAt);
        facts["restorationSummary"]!.GetValue<string>().ShouldBe("Failed over to the standby database");
        facts["responders"]![0]!["name"]!.GetValue<string>().ShouldBe("Zhao Lei");
        facts["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()).ShouldContain("restore");
        facts["stages"]!.AsArray().First(s => s!["stage"]!.GetValue<string>() == "acknowledge")!["met"]!.GetValue<bool>().ShouldBeTrue();
        // Due at the end (Beijing midnight) of the second working day after the restore; 2031 has no official schedule yet,
        // so its working days are Monday to Friday.
        var due = DateOnly.FromDateTime(restoredAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        for (var counted = 0; counted < 2;)
        {
            due = due.AddDays(1);
            counted += due.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }

        draft["dueOn"]!.GetValue<string>().ShouldBe(due.ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture));
        draft["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(due.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
        draft["missingSections"]!.AsArray().Select(s => s!.GetValue<string>())
            .ShouldBe(["impact.description", "rootCause", "causeCategory", "actions"]);

        // Bad input: nothing is stored.
        var problem = await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "submit"),
            HttpStatusCode.UnprocessableEntity, "report.sections-missing");
        problem["detail"]!.GetValue<string>().ShouldContain("rootCause");
        await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "actions", new { kind = "corrective", description = "Fix", dueOn = "2031-03-20" }),
            HttpStatusCode.UnprocessableEntity, "report.action-owner-missing");
        await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "actions", new { kind = "corrective", description = "Fix", owner = "Zhao Lei" }),
            HttpStatusCode.UnprocessableEntity, "report.action-due-missing");
        (await Engineer.GetReportAsync(id))["version"]!.GetValue<long>().ShouldBe(draft["version"]!.GetValue<long>());

        await Engineer.ReportStepOkAsync(id, "sections", ReportClient.Sections());
        await Engineer.ReportStepOkAsync(id, "actions", ReportClient.Action());
        var submitted = await Engineer.ReportStepOkAsync(id, "submit");
        submitted["status"]!.GetValue<string>().ShouldBe("submitted");

        // Only the purchaser decides.
        foreach (var other in new[] { Engineer, Desk, api.Client("sup-01", "Liu Yang", "supervisor"), api.Client("admin-01", "Ma Lin", "admin") })
        {
            (await other.ReportStepAsync(id, "accept")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.ReportStepAsync(id, "return", new { comment = " " }),
            HttpStatusCode.UnprocessableEntity, "review.comment-required");
        var returned = await Purchaser.ReportStepOkAsync(id, "return", new { comment = "Give the number of failed settlements per city." });
        returned["status"]!.GetValue<string>().ShouldBe("returned");
        returned["reviews"]![0]!["comment"]!.GetValue<string>().ShouldBe("Give the number of failed settlements per city.");
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.ReportStepAsync(id, "accept"), HttpStatusCode.Conflict, "review.not-submitted");

        await Engineer.ReportStepOkAsync(id, "sections", ReportClient.Sections("Settlement unavailable in 12 cities; 5,400 settlements failed"));
        (await Engineer.ReportStepOkAsync(id, "submit"))["submissions"]!.GetValue<int>().ShouldBe(2);
        var accepted = await Purchaser.ReportStepOkAsync(id, "accept", new { comment = "确认" });
        accepted["status"]!.GetValue<string>().ShouldBe("accepted");
        accepted["late"]!.GetValue<bool>().ShouldBeFalse();
        var version = accepted["version"]!.GetValue<long>();
        await IncidentsClient.ShouldBeProblemAsync(await Purchaser.ReportStepAsync(id, "accept"), HttpStatusCode.Conflict, "review.already-confirmed");
        await IncidentsClient.ShouldBeProblemAsync(await Engineer.ReportStepAsync(id, "submit"), HttpStatusCode.Conflict, "report.not-editable");
        (await Purchaser.GetReportAsync(id))["version"]!.GetValue<long>().ShouldBe(version);

        // Actions are tracked to done after acceptance.
        var done = await Engineer.ReportStepOkAsync(id, "actions/1/done", new { note = "Alarm live in production" });
        done["actions"]![0]!["doneAt"].ShouldNotBeNull();

        // Every decision is a linked event of the report's stream: the chain holds.
        (await Purchaser.GetJsonAsync($"/api/v1/incidents/{id}/integrity"))["ok"]!.GetValue<bool>().ShouldBeTrue();

        // The monthly report lists it, and the purchaser reads it.
        var monthly = await Purchaser.GetJsonAsync("/api/v1/reports/monthly/2031-03");
        var listed = monthly["incidentReports"]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == id)!;
        listed["status"]!.GetValue<string>().ShouldBe("accepted");
        var html = await (await Purchaser.Http.GetAsync("/api/v1/reports/monthly/2031-03.html")).Content.ReadAsStringAsync();
        html.ShouldContain(incident.ToString());
    }

    [Fact]
    public async Task a_report_not_submitted_by_its_due_time_is_late_and_stays_late_once_submitted()
    {
        var incident = await Desk.RestoredOutageAsync(System());
        var id = await Engineer.OutageReportOfAsync(incident);
        var due = (await Engineer.GetReportAsync(id))["dueAt"]!.GetValue<DateTimeOffset>();

        api.Clock.MoveTo(due - TimeSpan.FromMinutes(1));
        (await Engineer.GetReportAsync(id))["late"]!.GetValue<bool>().ShouldBeFalse();
        api.Clock.MoveTo(due + TimeSpan.FromMinutes(1));
        (await Engineer.GetReportAsync(id))["late"]!.GetValue<bool>().ShouldBeTrue();
        (await Engineer.GetJsonAsync($"/api/v1/reports?incident={incident}"))["items"]![0]!["late"]!.GetValue<bool>().ShouldBeTrue();

        await Engineer.ReportStepOkAsync(id, "sections", ReportClient.Sections());
        await Engineer.ReportStepOkAsync(id, "actions", ReportClient.Action());
        await Engineer.ReportStepOkAsync(id, "submit");
        await Purchaser.ReportStepOkAsync(id, "accept");
        (await Purchaser.GetReportAsync(id))["late"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task a_fault_or_a_drill_gets_no_outage_report_and_a_second_restore_opens_no_second_one()
    {
        var outage = await Desk.RestoredOutageAsync(System());
        var first = await Engineer.OutageReportOfAsync(outage);
        var bus = api.Factory.Services.GetRequiredService<IMessageBus>();

        // What the restore path announces, handled here inline: a repeated restore (after a reopen), a fault, a drill.
        await bus.InvokeAsync(new IncidentServiceRestored(outage, IncidentClass.Outage, false, api.Clock.Now));
        var fault = Guid.NewGuid();
        await bus.InvokeAsync(new IncidentServiceRestored(fault, IncidentClass.Fault, false, api.Clock.Now));
        var drill = Guid.NewGuid();
        await bus.InvokeAsync(new IncidentServiceRestored(drill, IncidentClass.Outage, true, api.Clock.Now));

        (await Engineer.GetJsonAsync($"/api/v1/reports?incident={outage}"))["items"]!.AsArray().Select(r => r!["id"]!.GetValue<Guid>())
            .ShouldBe([first]);
        (await Engineer.GetJsonAsync($"/api/v1/reports?incident={fault}"))["total"]!.GetValue<long>().ShouldBe(0);
        (await Engineer.GetJsonAsync($"/api/v1/reports?incident={drill}"))["total"]!.GetValue<long>().ShouldBe(0);
    }
}
