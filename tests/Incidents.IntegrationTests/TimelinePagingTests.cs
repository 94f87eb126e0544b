using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests;

/// <summary>A long timeline is read a page at a time (issue #14): no request reads or sends a whole unbounded stream.</summary>
[Collection(ApiCollection.Name)]
public sealed class TimelinePagingTests(ApiFixture api)
{
    [Fact]
    public async Task a_timeline_is_read_in_pages_that_follow_each_other_without_gaps_or_repeats()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync($"timeline-paging-{Guid.NewGuid():N}");
        for (var i = 1; i <= 6; i++)
        {
            await desk.StepOkAsync(id, "comments", new { text = $"Update {i}" });
        }

        var versions = new List<long>();
        var path = $"/api/v1/incidents/{id}/timeline?limit=3";
        var pages = 0;
        while (path is not null)
        {
            var page = await desk.GetJsonAsync(path);
            pages++;
            page["version"]!.GetValue<long>().ShouldBe(7, "every page names the whole stream's version");
            var entries = page["entries"]!.AsArray();
            entries.Count.ShouldBeLessThanOrEqualTo(3);
            versions.AddRange(entries.Select(e => e!["version"]!.GetValue<long>()));
            path = page["next"]?.GetValue<string>();
        }

        pages.ShouldBe(3);
        versions.ShouldBe([1, 2, 3, 4, 5, 6, 7]);
        (await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray().Count.ShouldBe(7, "one page by default for a short stream");
    }

    [Fact]
    public async Task a_bad_page_is_400_naming_the_parameter_and_an_unknown_incident_404()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync($"timeline-paging-bad-{Guid.NewGuid():N}");
        foreach (var (query, field) in new[] { ("after=abc", "after"), ("after=0", "after"), ("limit=0", "limit"), ("limit=1001", "limit") })
        {
            var problem = await IncidentsClient.ShouldBeProblemAsync(await desk.Http.GetAsync($"/api/v1/incidents/{id}/timeline?{query}"),
                HttpStatusCode.BadRequest, "request.invalid");
            problem["errors"]![field].ShouldNotBeNull(query);
        }

        await IncidentsClient.ShouldBeProblemAsync(await desk.Http.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/timeline?limit=5"),
            HttpStatusCode.NotFound, "incident.not-found");
    }
}
