using System.Net;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Incidents.IntegrationTests.Security;

/// <summary>Abuse: each user's changes and expensive reads are rate limited; plain reads are not. Runs its own host with a tiny limit.</summary>
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

    [Fact]
    public async Task a_user_looping_on_expensive_reads_gets_a_429_with_retry_after_while_plain_reads_and_other_users_go_on()
    {
        await using var host = await TestHost.StartAsync(TestServices.TestDatabase, new Dictionary<string, string>
        {
            ["RateLimits:ExpensiveReads:TokenLimit"] = "2",
            ["RateLimits:ExpensiveReads:TokensPerPeriod"] = "1",
            ["RateLimits:ExpensiveReads:ReplenishmentPeriod"] = "00:01:00",
        });
        var script = IncidentsClient.For(host.CreateClient(), "sup-loop", "Loop", "supervisor");
        var colleague = IncidentsClient.For(host.CreateClient(), "sup-calm", "Calm", "supervisor");
        var id = await api.Client().ReportOutageAsync($"rate-limit-reads-{Guid.NewGuid():N}");

        (await script.Http.GetAsync("/api/v1/kpis?evidence=all")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await script.Http.GetAsync("/api/v1/integrity")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var limited = await script.Http.GetAsync("/api/v1/kpis.csv");

        await IncidentsClient.ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests, "request.rate-limited");
        limited.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        (await script.Http.GetAsync($"/api/v1/incidents/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK, "a plain read is not limited");
        (await colleague.Http.GetAsync("/api/v1/kpis")).StatusCode.ShouldBe(HttpStatusCode.OK, "another user has their own allowance");
    }
}
