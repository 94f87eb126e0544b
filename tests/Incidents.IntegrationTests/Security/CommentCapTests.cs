using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Security;

/// <summary>Comments cannot grow a stream without bound (issue #14): a cap per incident per hour, on the API's clock.</summary>
[Collection(ApiCollection.Name)]
public sealed class CommentCapTests
{
    [Fact]
    public async Task a_comment_over_the_hourly_cap_is_429_with_retry_after_and_stores_nothing_until_the_hour_has_passed()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(TestServices.TestDatabase,
            new Dictionary<string, string> { ["RateLimits:CommentsPerIncidentPerHour"] = "3" }, clock.Time);
        clock.Attach(host, TestServices.TestDatabase);
        var desk = IncidentsClient.For(host.CreateClient());
        var id = await desk.ReportOutageAsync($"comments-{Guid.NewGuid():N}");
        var other = await desk.ReportOutageAsync($"comments-{Guid.NewGuid():N}");

        await desk.StepOkAsync(id, "comments", new { text = "Calling the DBA" });
        clock.Advance(TimeSpan.FromMinutes(20));
        await desk.StepOkAsync(id, "comments", new { text = "DBA on the way" });
        await desk.StepOkAsync(id, "comments", new { text = "Failover started" });
        var before = await EventStore.EventCountAsync(id);

        var refused = await desk.StepAsync(id, "comments", new { text = "One too many" });
        var problem = await IncidentsClient.ShouldBeProblemAsync(refused, HttpStatusCode.TooManyRequests, "incident.comment-limit");
        problem["detail"]!.GetValue<string>().ShouldContain("3");
        // The first comment leaves the hour 40 minutes from now.
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromMinutes(40));
        (await EventStore.EventCountAsync(id)).ShouldBe(before, "nothing stored");

        // The cap is per incident: another incident takes comments.
        await desk.StepOkAsync(other, "comments", new { text = "Unrelated note" });

        clock.Advance(TimeSpan.FromMinutes(40));
        await desk.StepOkAsync(id, "comments", new { text = "Failover done" });
        (await IncidentsClient.ShouldBeProblemAsync(await desk.StepAsync(id, "comments", new { text = "Still too many" }),
            HttpStatusCode.TooManyRequests, "incident.comment-limit")).ShouldNotBeNull();
    }
}
