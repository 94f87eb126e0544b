using System.Collections.Concurrent;
using System.Net;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// PostgreSQL restarted under load (issue #14): clients see only "done" (201) or "try again" (503 with Retry-After, a
/// stable problem type), never a 500; readiness follows the database down and back; and nothing that was accepted is
/// lost. The API runs on a PostgreSQL server of the test's own, which the test stops (fast shutdown: open connections are
/// terminated, 57P01) and starts again while four clients keep reporting.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class DatabaseRestartTests
{
    private const int Clients = 4;

    private sealed record Answer(HttpStatusCode Status, Guid? Id, string? RetryAfter, string? Code, string Body);

    [Fact]
    public async Task a_database_restart_under_load_answers_only_201_or_503_and_loses_nothing_that_was_accepted()
    {
        await using var postgres = await ScratchPostgres.StartAsync();
        await using var api = await TestHost.StartAsync(TestServices.TestDatabase + "_faults", new Dictionary<string, string>
        {
            ["ConnectionStrings:Marten"] = postgres.ConnectionString,
        });

        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Clients).Select(n => Task.Run(async () =>
        {
            var desk = IncidentsClient.For(api.CreateClient(), actorId: $"desk-{n:00}");
            while (!stop.IsCancellationRequested)
            {
                answers.Enqueue(await ReportAsync(desk, $"fault-db-{n}"));
            }
        })).ToArray();

        var probe = api.CreateClient();
        int Accepted() => answers.Count(a => a.Status == HttpStatusCode.Created);
        int Unavailable() => answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable);

        await Eventually.GetAsync(() => Task.FromResult(Accepted()), n => n >= 20, TimeSpan.FromSeconds(60), "reports accepted before the restart");
        await postgres.DownAsync();
        await Eventually.GetAsync(() => Task.FromResult(Unavailable()), n => n >= 3, TimeSpan.FromSeconds(60), "503 answers while the database is down");
        (await probe.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "not ready while the database is down");

        await postgres.UpAsync();
        var acceptedBeforeReturn = Accepted();
        await Eventually.GetAsync(() => Task.FromResult(Accepted()), n => n >= acceptedBeforeReturn + 20, TimeSpan.FromSeconds(60),
            "reports accepted again after the database returned");
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await Eventually.GetAsync(async () => (await probe.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "ready again");

        var all = answers.ToArray();
        all.Where(a => a.Status is not (HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable))
            .Select(a => $"{(int)a.Status}: {a.Body}").ShouldBeEmpty("every answer is 201 or 503");
        foreach (var refusal in all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable))
        {
            refusal.Code.ShouldBe("service.unavailable", refusal.Body);
            refusal.RetryAfter.ShouldNotBeNullOrEmpty("a 503 says when to try again");
        }

        var reader = IncidentsClient.For(api.CreateClient(), role: "supervisor", actorId: "supervisor-01");
        foreach (var id in all.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Id!.Value))
        {
            (await reader.Http.GetAsync($"/api/v1/incidents/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK, $"accepted incident {id} is kept");
        }
    }

    private static async Task<Answer> ReportAsync(IncidentsClient desk, string system)
    {
        using var response = await desk.ReportAsync(IncidentsClient.OutageReport(system));
        var body = await response.Content.ReadAsStringAsync();
        var json = body.Length > 0 && body.TrimStart().StartsWith('{') ? System.Text.Json.Nodes.JsonNode.Parse(body) : null;
        return new Answer(response.StatusCode,
            response.StatusCode == HttpStatusCode.Created ? json?["id"]?.GetValue<Guid>() : null,
            response.Headers.RetryAfter?.ToString(),
            json?["code"]?.GetValue<string>(),
            body);
    }
}
