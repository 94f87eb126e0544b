using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Drills;

/// <summary>Planning drills: bad input refused with nothing written, starting by hand, cancelling, the calendar and compliance.</summary>
[Collection(ApiCollection.Name)]
public sealed class DrillPlanningTests(ApiFixture api)
{
    private IncidentsClient Coordinator => api.Client("drill-01", "Sun Yu", "drill-coordinator");

    private async Task<long> DrillsOn(string system) =>
        (await Coordinator.GetJsonAsync($"/api/v1/drills?system={system}"))["total"]!.GetValue<long>();

    [Fact]
    public async Task a_drill_in_the_past_is_refused_and_nothing_is_written()
    {
        var response = await Coordinator.ScheduleAsync(DrillClient.Plan("drill-test-3", DateTimeOffset.UtcNow.AddMinutes(-5)));

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "drill.start-in-past");
        (await DrillsOn("drill-test-3")).ShouldBe(0);
    }

    [Fact]
    public async Task a_drill_at_the_end_of_the_calendar_is_refused_not_a_500_and_nothing_is_written()
    {
        var response = await Coordinator.ScheduleAsync(DrillClient.Plan("drill-test-3", new DateTimeOffset(9999, 12, 30, 0, 0, 0, TimeSpan.Zero), "P7D"));

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "drill.start-too-far");
        (await DrillsOn("drill-test-3")).ShouldBe(0);
    }

    [Fact]
    public async Task a_drill_on_an_unknown_system_is_refused()
    {
        var response = await Coordinator.ScheduleAsync(DrillClient.Plan("the-coffee-machine", DateTimeOffset.UtcNow.AddDays(2)));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "drill.unknown-system");
        problem["detail"]!.GetValue<string>().ShouldContain("the-coffee-machine");
    }

    [Fact]
    public async Task overlapping_drills_on_one_system_are_refused_and_back_to_back_ones_are_not()
    {
        var start = DateTimeOffset.UtcNow.AddDays(10);
        await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-4", start, "PT2H"));

        var overlapping = await Coordinator.ScheduleAsync(DrillClient.Plan("drill-test-4", start.AddHours(1), "PT2H"));
        await IncidentsClient.ShouldBeProblemAsync(overlapping, HttpStatusCode.UnprocessableEntity, "drill.overlaps");
        (await DrillsOn("drill-test-4")).ShouldBe(1);

        await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-4", start.AddHours(2), "PT1H"));
        (await DrillsOn("drill-test-4")).ShouldBe(2);
    }

    [Fact]
    public async Task a_plan_without_title_or_scenario_is_a_validation_problem()
    {
        var response = await Coordinator.Http.PostAsync("/api/v1/drills",
            new StringContent("""{"kind":"security-incident-drill"}""", System.Text.Encoding.UTF8, "application/json"));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["title", "scenario", "plannedStart"], ignoreOrder: true);
    }

    [Fact]
    public async Task a_coordinator_starts_a_drill_by_hand_and_cannot_start_it_twice()
    {
        var drillId = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-5", DateTimeOffset.UtcNow.AddDays(3)));

        var started = await Coordinator.DrillStepOkAsync(drillId, "start");
        started["status"]!.GetValue<string>().ShouldBe("started");
        started["startedByHand"]!.GetValue<bool>().ShouldBeTrue();
        var incident = await Coordinator.GetAsync(started["incidentId"]!.GetValue<Guid>());
        incident["isDrill"]!.GetValue<bool>().ShouldBeTrue();
        incident["status"]!.GetValue<string>().ShouldBe("reported");

        await IncidentsClient.ShouldBeProblemAsync(await Coordinator.DrillStepAsync(drillId, "start"), HttpStatusCode.Conflict,
            "drill.already-started");
    }

    [Fact]
    public async Task a_finished_drill_cannot_be_cancelled_and_a_scheduled_one_can_once()
    {
        var finished = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-6", DateTimeOffset.UtcNow.AddDays(3)));
        await Coordinator.DrillStepOkAsync(finished, "start");
        await Coordinator.DrillStepOkAsync(finished, "complete", new { objectivesMet = Array.Empty<string>(), lessonsLearned = "" });
        await IncidentsClient.ShouldBeProblemAsync(await Coordinator.DrillStepAsync(finished, "cancel", new { reason = "Too late" }),
            HttpStatusCode.Conflict, "drill.completed");
        (await Coordinator.DrillAsync(finished))["status"]!.GetValue<string>().ShouldBe("completed");

        var planned = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-6", DateTimeOffset.UtcNow.AddDays(30)));
        var cancelled = await Coordinator.DrillStepOkAsync(planned, "cancel", new { reason = "Change freeze" });
        cancelled["cancellationReason"]!.GetValue<string>().ShouldBe("Change freeze");
        await IncidentsClient.ShouldBeProblemAsync(await Coordinator.DrillStepAsync(planned, "cancel", new { reason = "Again" }),
            HttpStatusCode.Conflict, "drill.cancelled");
        await IncidentsClient.ShouldBeProblemAsync(await Coordinator.DrillStepAsync(Guid.NewGuid(), "cancel", new { reason = "?" }),
            HttpStatusCode.NotFound, "drill.not-found");
    }

    [Fact]
    public async Task upcoming_and_past_lists_and_the_calendar_show_planned_drills()
    {
        var upcoming = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-7", DateTimeOffset.UtcNow.AddDays(5)));
        var past = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-7", DateTimeOffset.UtcNow.AddDays(6)));
        await Coordinator.DrillStepOkAsync(past, "cancel", new { reason = "Holiday" });

        var soon = await Coordinator.GetJsonAsync("/api/v1/drills?when=upcoming&system=drill-test-7");
        soon["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>()).ShouldBe([upcoming]);
        var done = await Coordinator.GetJsonAsync("/api/v1/drills?when=past&system=drill-test-7");
        done["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>()).ShouldBe([past]);

        var feed = await api.Client("sup-01", "Liu Yang", "supervisor").Http.GetAsync("/api/v1/drills/calendar.ics");
        feed.StatusCode.ShouldBe(HttpStatusCode.OK);
        feed.Content.Headers.ContentType!.MediaType.ShouldBe("text/calendar");
        var ics = await feed.Content.ReadAsStringAsync();
        ics.ShouldStartWith("BEGIN:VCALENDAR");
        ics.ShouldContain($"UID:drill-{upcoming}@incidents");
        ics.ShouldNotContain($"UID:drill-{past}@incidents");
    }

    [Fact]
    public async Task the_yearly_compliance_view_counts_completed_drills_against_the_minimum()
    {
        var drillId = await Coordinator.ScheduleOkAsync(DrillClient.Plan("drill-test-8", DateTimeOffset.UtcNow.AddDays(1)));
        await Coordinator.DrillStepOkAsync(drillId, "start");
        await Coordinator.DrillStepOkAsync(drillId, "complete", new { objectivesMet = Array.Empty<string>(), lessonsLearned = "" });

        var year = DateTimeOffset.UtcNow.Year;
        var view = await Coordinator.GetJsonAsync($"/api/v1/drills/compliance?year={year}");
        var cloud = view["kinds"]!.AsArray().Single(k => k!["kind"]!.GetValue<string>() == "cloud-platform-emergency-drill")!;
        cloud["required"]!.GetValue<int>().ShouldBe(1);
        cloud["met"]!.GetValue<bool>().ShouldBeTrue();
        cloud["drills"]!.AsArray().Select(d => d!.GetValue<Guid>()).ShouldContain(drillId);

        var before = await Coordinator.GetJsonAsync("/api/v1/drills/compliance?year=2001");
        before["compliant"]!.GetValue<bool>().ShouldBeFalse();
        await IncidentsClient.ShouldBeProblemAsync(await Coordinator.Http.GetAsync("/api/v1/drills/compliance?year=soon"),
            HttpStatusCode.BadRequest, "request.invalid");
    }
}
