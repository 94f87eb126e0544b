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
/// The drill end to end, on the short SLA policy: scheduled a few seconds ahead, it starts by itself, its synthetic incident
/// is worked to close through the normal API, the scorecard tells how it went, and production lists never show it.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class DrillScenarioTests(SlaFixture api)
{
    private IncidentsClient Coordinator => api.Client("drill-01", "Sun Yu", "drill-coordinator");

    [Fact]
    public async Task a_drill_scheduled_seconds_ahead_starts_by_itself_is_worked_to_close_and_scores()
    {
        const string system = "drill-test-1";
        var coordinator = Coordinator;
        var desk = api.Client();
        var drillId = await coordinator.ScheduleOkAsync(DrillClient.Plan(system, DateTimeOffset.UtcNow.AddSeconds(2)));
        (await coordinator.DrillAsync(drillId))["status"]!.GetValue<string>().ShouldBe("scheduled");

        var started = await Eventually.GetAsync(() => coordinator.DrillAsync(drillId), d => d["status"]!.GetValue<string>() == "started",
            TimeSpan.FromSeconds(15), "the drill to start by itself");
        started["startedByHand"]!.GetValue<bool>().ShouldBeFalse();
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

        // Worked through the normal API, as a real incident.
        await desk.StepOkAsync(incidentId, "acknowledge");
        await desk.StepOkAsync(incidentId, "responders", new { responderId = "eng-07", name = "Zhao Lei", team = "Cloud platform" });
        await desk.StepOkAsync(incidentId, "responders/eng-07/dispatch", new { note = "Drill" });
        await desk.StepOkAsync(incidentId, "responders/eng-07/arrival");
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
        stages.Select(s => s!["target"]!.GetValue<string>()).ShouldBe(["PT2S", "PT4S", "PT6S"]);
        foreach (var stage in stages)
        {
            // Met exactly when the actual time is within the target, as the SLA engine says for real incidents.
            var withinTarget = System.Xml.XmlConvert.ToTimeSpan(stage!["actual"]!.GetValue<string>())
                <= System.Xml.XmlConvert.ToTimeSpan(stage["target"]!.GetValue<string>());
            stage["met"]!.GetValue<bool>().ShouldBe(withinTarget, stage.ToJsonString());
            stage["outcome"]!.GetValue<string>().ShouldBe(withinTarget ? "met" : "met-late");
        }

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
        var sentAt = DateTimeOffset.UtcNow.AddSeconds(-30);
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
        markdown.ShouldContain("| acknowledge | PT2S |");
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
        var drillId = await coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-2", DateTimeOffset.UtcNow.AddSeconds(1)));
        var moved = await coordinator.DrillStepOkAsync(drillId, "reschedule",
            new { plannedStart = DateTimeOffset.UtcNow.AddDays(1), reason = "Data centre visit moved" });
        moved["rescheduleCount"]!.GetValue<int>().ShouldBe(1);

        await Task.Delay(TimeSpan.FromSeconds(3));

        var drill = await coordinator.DrillAsync(drillId);
        drill["status"]!.GetValue<string>().ShouldBe("scheduled");
        drill["incidentId"].ShouldBeNull();
    }
}
