using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>Occurred-at: when the failure began. Availability counts the outage from it; the SLA clock still runs from the report.</summary>
[Collection(ApiCollection.Name)]
public sealed class OccurredAtTests(ApiFixture api)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static JsonObject Report(string system, DateTimeOffset? occurredAt)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(IncidentsClient.OutageReport(system)))!.AsObject();
        body["occurredAt"] = occurredAt?.ToString("O");
        return body;
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-8 * 24 * 60)]
    public async Task an_occurred_at_in_the_future_or_more_than_7_days_before_the_report_is_refused_with_422(int minutesFromNow)
    {
        var system = $"occurred-{Guid.NewGuid():N}";

        var response = await api.Client().ReportAsync(Report(system, DateTimeOffset.UtcNow.AddMinutes(minutesFromNow)));

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "incident.invalid-occurred-at");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0);
    }

    [Fact]
    public async Task availability_counts_the_outage_from_occurred_at_while_the_acknowledge_clock_runs_from_the_report()
    {
        var desk = api.Client();
        var system = $"occurred-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var local = TimeZoneInfo.ConvertTime(now, Shanghai);
        var monthStart = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, local.Offset);
        var occurredAt = now.AddMinutes(-40);
        var response = await desk.ReportAsync(Report(system, occurredAt));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();

        await desk.StepOkAsync(id, "acknowledge");
        var restored = await desk.StepOkAsync(id, "restore", new { summary = "Failed over to the standby" });

        restored["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(occurredAt, TimeSpan.FromMilliseconds(1));
        var kpis = await api.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/kpis?period={local:yyyy-MM}&system={system}");
        var down = kpis["figures"]!["availabilityBySystem"]!.AsArray().Single(a => a!["system"]!.GetValue<string>() == system)!;
        var expected = (now - (occurredAt > monthStart ? occurredAt : monthStart)).TotalSeconds;
        down["outageSeconds"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(expected - 1, "down from occurred-at, not from the report");
        // The acknowledgement came seconds after the report, although 40 minutes after the failure: the clock is the report's.
        kpis["figures"]!["faultResponseRate"]!["numerator"]!.GetValue<int>().ShouldBe(1);
    }
}
