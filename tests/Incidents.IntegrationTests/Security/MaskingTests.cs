using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Security;

/// <summary>Least data: only the hotline desk, which calls reporters back, sees their phone number and e-mail address.</summary>
[Collection(ApiCollection.Name)]
public sealed class MaskingTests(ApiFixture api)
{
    private static void ShouldBeMasked(JsonNode reporter)
    {
        reporter["name"]!.GetValue<string>().ShouldBe("Wang Fang");
        reporter["phone"]!.GetValue<string>().ShouldBe("+86 1* **** 0000");
        reporter["email"]!.GetValue<string>().ShouldBe("w***@example.org");
    }

    [Fact]
    public async Task the_desk_sees_the_reporters_contact_details_and_every_other_role_sees_them_masked()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync($"masking-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-21", name = "Tang Li" });

        var full = await desk.GetAsync(id);
        full["reporter"]!["phone"]!.GetValue<string>().ShouldBe("+86 10 8888 0000");
        full["reporter"]!["email"]!.GetValue<string>().ShouldBe("wang.fang@example.org");
        var deskTimeline = await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline");
        deskTimeline["entries"]![0]!["data"]!["reporter"]!["phone"]!.GetValue<string>().ShouldBe("+86 10 8888 0000");

        foreach (var role in new[] { "responder", "supervisor", "admin" })
        {
            var reader = api.Client("eng-21", "Tang Li", role);
            ShouldBeMasked((await reader.GetAsync(id))["reporter"]!);
            var timeline = await reader.GetJsonAsync($"/api/v1/incidents/{id}/timeline");
            ShouldBeMasked(timeline["entries"]![0]!["data"]!["reporter"]!);
            timeline.ToJsonString().ShouldNotContain("8888 0000");
            timeline.ToJsonString().ShouldNotContain("wang.fang@");
        }

        var afterStep = await api.Client("eng-21", "Tang Li", "responder").StepOkAsync(id, "comments", new { text = "Calling the site" });
        ShouldBeMasked(afterStep["reporter"]!);
    }

    [Fact]
    public async Task a_mobile_number_keeps_its_first_three_and_last_four_digits()
    {
        var desk = api.Client();
        var response = await desk.ReportAsync(new
        {
            title = "Portal slow",
            affectedSystem = $"masking-mobile-{Guid.NewGuid():N}",
            @class = "fault",
            channel = "phone",
            reporter = new { name = "Zhou Min", phone = "13812345678" },
        });
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();

        var seen = await api.Client("sup-01", "Liu Yang", "supervisor").GetAsync(id);

        seen["reporter"]!["phone"]!.GetValue<string>().ShouldBe("138****5678");
        seen["reporter"]!["email"].ShouldBeNull();
    }
}
