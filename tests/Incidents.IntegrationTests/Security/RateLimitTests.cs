using System.Net;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Security;

/// <summary>Abuse: each user's changes are rate limited; reads are not. Runs its own host with a tiny limit.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFixture api)
{
    [Fact]
    public async Task a_user_writing_faster_than_the_limit_gets_a_429_problem_with_retry_after_and_others_are_not_affected()
    {
        await using var host = await TestHost.StartAsync(TestServices.TestDatabase, new Dictionary<string, string>
        {
            ["RateLimits:Writes:TokenLimit"] = "3",
            ["RateLimits:Writes:TokensPerPeriod"] = "1",
            ["RateLimits:Writes:ReplenishmentPeriod"] = "00:01:00",
        });
        var flooder = IncidentsClient.For(host.CreateClient(), "desk-flood", "Flood");
        var colleague = IncidentsClient.For(host.CreateClient(), "desk-calm", "Calm");
        var id = await api.Client().ReportOutageAsync($"rate-limit-{Guid.NewGuid():N}");

        for (var i = 0; i < 3; i++)
        {
            (await flooder.StepAsync(id, "comments", new { text = $"Note {i}" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var limited = await flooder.StepAsync(id, "comments", new { text = "One too many" });

        await IncidentsClient.ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests, "request.rate-limited");
        limited.Headers.RetryAfter.ShouldNotBeNull();
        limited.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        (await EventStore.EventCountAsync(id)).ShouldBe(4, "the refused comment was not recorded");
        (await colleague.StepAsync(id, "comments", new { text = "Mine still works" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await flooder.Http.GetAsync($"/api/v1/incidents/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK, "reads are not limited");
    }
}
