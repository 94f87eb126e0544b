using System.Net;
using System.Text.Json.Nodes;
using Incidents.Contracts;
using Incidents.Domain.Notifications;
using Incidents.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Incidents.IntegrationTests.Drills;

/// <summary>
/// The drill end to end, on the contract's SLA policy and the test clock: scheduled ahead, it starts by itself when its
/// timer falls due, its synthetic incident is worked to close through the normal API, the scorecard tells how it went, and
/// production lists never show it.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class DrillScenarioTests(SlaFixture api)
{
    private IncidentsClient Coordinator => api.Client("drill-01", "Sun Yu", "drill-coordinator");

    private TestClock Clock => api.Clock;

    [Fact]
    public async Task a_drill_scheduled_ahead_starts_by_itself_is_worked_to_close_and_scores()
    {
        const string system = "drill-test-1";
        var coordinator = Coordinator;
        var desk = api.Client();
        var plannedStart = Clock.Now.AddHours(1);
        var drillId = await coordinator.ScheduleOkAsync(DrillClient.Plan(system, plannedStart));
        (await coordinator.DrillAsync(drillId))["status"]!.GetValue<string>().ShouldBe("scheduled");

        await Clock.RunDueAsync(plannedStart - TimeSpan.FromSeconds(1), drillId);
        (await coordinator.DrillAsync(drillId))["status"]!.GetValue<string>().ShouldBe("scheduled", "not started before its time");
        (await Clock.RunDueAsync(plannedStart, drillId)).ShouldBe(1, "its start timer falls due at the planned start");

        var started = await coordinator.DrillAsync(drillId);
        started["status"]!.GetValue<string>().ShouldBe("started");
        started["startedByHand"]!.GetValue<bool>().ShouldBeFalse();
        started["startedAt"]!.GetValue<DateTimeOffset>().ShouldBe(plannedStart);
        var incidentId = started["incidentId"]!.GetValue<Guid>();

        var incident = await desk.GetAsync(incidentId);
        incident["isDrill"]!.GetValue<bool>().ShouldBeTrue();
        incident["drillId"]!.GetValue<Guid>().ShouldBe(drillId);
        incident["title"]!.GetValue<string>().ShouldStartWith("【演练/DRILL】");
        incident["class"]!.GetValue<string>().ShouldBe("outage");
        incident["affectedSystem"]!.GetValue<string>().ShouldBe(system);

        // Production lists leave it out; an explicit filter shows it.
        (await desk.GetJsonAsync($"/api/v1/incidents?system={system}"))["total"]!.GetValue<long>().ShouldBe(0);
        (await desk.GetJsonAsync($"/api/v1/incidents?system={system}&drills=only"))["total"]!.GetValue<long>().ShouldBe(1);

        // Worked through the normal API, as a real incident, while its clock runs: acknowledged in 3 minutes (target 5),
        // on site in 50 minutes (target 1 hour), restored after 5 hours (target 4).
        async Task At(TimeSpan sinceStart) => await Clock.RunDueAsync(plannedStart + sinceStart, drillId, incidentId);
        await At(TimeSpan.FromMinutes(3));
        await desk.StepOkAsync(incidentId, "acknowledge");
        await desk.StepOkAsync(incidentId, "responders", new { responderId = "eng-07", name = "Zhao Lei", team = "Cloud platform" });
        await desk.StepOkAsync(incidentId, "responders/eng-07/dispatch", new { note = "Drill" });
        await At(TimeSpan.FromMinutes(50));
        await desk.StepOkAsync(incidentId, "responders/eng-07/arrival");
        await At(TimeSpan.FromHours(5));
        await desk.StepOkAsync(incidentId, "restore", new { summary = "Failed over" });
        await desk.StepOkAsync(incidentId, "resolve", new { summary = "Drill done", cause = "other" });
        await desk.StepOkAsync(incidentId, "close", new { satisfaction = 5 });

        var completed = await coordinator.DrillStepOkAsync(drillId, "complete",
            new { objectivesMet = new[] { "acknowledge within the clock" }, lessonsLearned = "Runbook step 4 is outdated." });
        completed["status"]!.GetValue<string>().ShouldBe("completed");

        var card = await api.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/drills/{drillId}/scorecard");
        card["incidentId"]!.GetValue<Guid>().ShouldBe(incidentId);
        card["incidentStatus"]!.GetValue<string>().ShouldBe("closed");
        card["acknowledgedBy"]!["id"]!.GetValue<string>().ShouldBe("desk-01");
        var stages = card["stages"]!.AsArray();
        stages.Select(s => s!["stage"]!.GetValue<string>()).ShouldBe(["acknowledge", "on-site", "restore"]);
        stages.Select(s => s!["target"]!.GetValue<string>()).ShouldBe(["PT5M", "PT1H", "PT4H"]);
        // Met exactly when the actual time is within the target, as the SLA engine says for real incidents.
        stages.Select(s => s!["actual"]!.GetValue<string>()).ShouldBe(["PT3M", "PT50M", "PT5H"]);
        stages.Select(s => s!["met"]!.GetValue<bool>()).ShouldBe([true, true, false]);
        stages.Select(s => s!["outcome"]!.GetValue<string>()).ShouldBe(["met", "met", "met-late"]);

        card["objectives"]!.AsArray().Select(o => (o!["objective"]!.GetValue<string>(), o["met"]!.GetValue<bool>()))
            .ShouldBe([("acknowledge within the clock", true), ("restore within the clock", false)]);
        card["lessonsLearned"]!.GetValue<string>().ShouldBe("Runbook step 4 is outdated.");

        // No notification worker rule matches this system: nothing recorded, and the scorecard says so.
        card["notifications"]!["attempts"]!.AsArray().ShouldBeEmpty();
        card["notifications"]!["note"]!.GetValue<string>().ShouldStartWith("None recorded");
        var before = await (await coordinator.Http.GetAsync($"/api/v1/drills/{drillId}/scorecard.md")).Content.ReadAsStringAsync();
        before.ShouldContain("## Notifications\n\nNone recorded");
        before.ShouldNotContain("| at | recipient | channel |");

        // The worker's receipts, recorded by the receipt handler itself: the scorecard lists them.
        var sentAt = Clock.Now.AddSeconds(-30);
        var bus = api.Factory.Services.GetRequiredService<IMessageBus>();
        await bus.InvokeAsync(new NotificationAttempted(incidentId, "incident-opened", 1, "ops-oncall@example.test", "mail", "retrying", 1,
            "SMTP 451 try later", true, sentAt));
        await bus.InvokeAsync(new NotificationAttempted(incidentId, "incident-opened", 1, "ops-oncall@example.test", "mail", "sent", 2,
            null, true, sentAt.AddSeconds(5)));

        card = await api.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/drills/{drillId}/scorecard");
        var attempts = card["notifications"]!["attempts"]!.AsArray();
        attempts.Count.ShouldBe(2);
        attempts[0]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        attempts[0]!["reason"]!.GetValue<string>().ShouldBe("SMTP 451 try later");
        attempts[0]!["willRetry"]!.GetValue<bool>().ShouldBeTrue();
        attempts[1]!["recipient"]!.GetValue<string>().ShouldBe("ops-oncall@example.test");
        attempts[1]!["channel"]!.GetValue<string>().ShouldBe("mail");
        attempts[1]!["trigger"]!.GetValue<string>().ShouldBe("incident-opened");
        attempts[1]!["attempt"]!.GetValue<int>().ShouldBe(2);
        attempts[1]!["outcome"]!.GetValue<string>().ShouldBe("delivered");
        attempts[1]!["at"]!.GetValue<DateTimeOffset>().ShouldBe(sentAt.AddSeconds(5), TimeSpan.FromMilliseconds(1));
        card["notifications"]!["note"]!.GetValue<string>().ShouldNotContain("None recorded");

        var report = await coordinator.Http.GetAsync($"/api/v1/drills/{drillId}/scorecard.md");
        report.StatusCode.ShouldBe(HttpStatusCode.OK);
        report.Content.Headers.ContentType!.MediaType.ShouldBe("text/markdown");
        var markdown = await report.Content.ReadAsStringAsync();
        markdown.ShouldContain("# Drill scorecard: Settlement database failover");
        markdown.ShouldContain("| acknowledge | PT5M |");
        markdown.ShouldContain("- [x] acknowledge within the clock");
        markdown.ShouldContain("Runbook step 4 is outdated.");
        markdown.ShouldContain("| at | recipient | channel | trigger | attempt | outcome |");
        markdown.ShouldContain("| ops-oncall@example.test | mail | incident-opened (v1) | 1 | failed: SMTP 451 try later (will retry) |");
        markdown.ShouldContain("| ops-oncall@example.test | mail | incident-opened (v1) | 2 | delivered |");
        markdown.ShouldNotContain("None recorded");

        // Still kept out of production lists after it closed.
        (await desk.GetJsonAsync($"/api/v1/incidents?system={system}&status=closed"))["total"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task the_timer_of_a_rescheduled_drill_starts_nothing()
    {
        var coordinator = Coordinator;
        var firstStart = Clock.Now.AddMinutes(10);
        var drillId = await coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-2", firstStart));
        var newStart = Clock.Now.AddDays(1);
        var moved = await coordinator.DrillStepOkAsync(drillId, "reschedule",
            new { plannedStart = newStart, reason = "Data centre visit moved" });
        moved["rescheduleCount"]!.GetValue<int>().ShouldBe(1);

        (await Clock.RunDueAsync(firstStart.AddMinutes(1), drillId)).ShouldBe(1, "the first start's timer still fires");

        var drill = await coordinator.DrillAsync(drillId);
        drill["status"]!.GetValue<string>().ShouldBe("scheduled");
        drill["incidentId"].ShouldBeNull();
        (await Clock.PendingAsync(drillId)).Select(t => t.At).ShouldBe([newStart], "the new start's timer waits");
    }
}
