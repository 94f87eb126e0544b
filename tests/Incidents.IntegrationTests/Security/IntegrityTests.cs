using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Security;

/// <summary>Tamper evidence: every incident's events are chained by hash, and changing the store behind the API's back shows.</summary>
/// <remarks>
/// A database of its own: the events rewritten and removed here would otherwise break other tests' figures that are
/// recomputed from the events of the shared database (the KPI fast-path comparison, the whole-store check).
/// </remarks>
public sealed class IntegrityTests(IntegrityTests.OwnHost own) : IClassFixture<IntegrityTests.OwnHost>
{
    private static string Database => TestServices.TestDatabase + "_integrity";

    public sealed class OwnHost : IAsyncLifetime
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await TestServices.RecreateDatabaseAsync(Database);
            Factory = await TestHost.StartAsync(Database);
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private IncidentsClient Supervisor => IncidentsClient.For(own.Factory.CreateClient(), "sup-01", "Liu Yang", "supervisor");

    private async Task<JsonNode> IntegrityOfAsync(Guid id) => await Supervisor.GetJsonAsync($"/api/v1/incidents/{id}/integrity");

    /// <summary>Walks the whole store page by page until the end or the first broken link.</summary>
    private async Task<JsonNode> WholeStoreAsync()
    {
        var path = "/api/v1/integrity?limit=50";
        while (true)
        {
            var page = await Supervisor.GetJsonAsync(path);
            if (!page["ok"]!.GetValue<bool>() || page["next"] is null)
            {
                return page;
            }

            path = page["next"]!.GetValue<string>();
        }
    }

    private async Task<Guid> WorkedIncidentAsync(string prefix)
    {
        var desk = IncidentsClient.For(own.Factory.CreateClient());
        var id = await desk.ReportOutageAsync($"{prefix}-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "comments", new { text = "Called the hospital back" });
        await desk.StepOkAsync(id, "restore", new { summary = "Failed over" });
        return id;
    }

    [Fact]
    public async Task an_event_changed_or_removed_directly_in_postgresql_breaks_the_chain_there_and_verification_names_it()
    {
        var tampered = await WorkedIncidentAsync("tamper");
        var truncated = await WorkedIncidentAsync("truncate");
        var rehashed = await WorkedIncidentAsync("rehash");
        var before = await IntegrityOfAsync(tampered);
        before["ok"]!.GetValue<bool>().ShouldBeTrue(before.ToJsonString());
        before["events"]!.GetValue<long>().ShouldBe(4);
        (await WholeStoreAsync())["ok"]!.GetValue<bool>().ShouldBeTrue("the store holds only untouched chains so far");

        // Someone with database access rewrites what the reporter said.
        (await TestServices.ExecuteOnAsync(Database, 
            "update incidents.mt_events set data = jsonb_set(data, '{title}', '\"Nothing happened\"') where stream_id = @id and version = 1",
            ("id", tampered))).ShouldBe(1);

        var after = await IntegrityOfAsync(tampered);
        after["ok"]!.GetValue<bool>().ShouldBeFalse();
        var broken = after["firstBroken"]!;
        broken["incidentId"]!.GetValue<Guid>().ShouldBe(tampered);
        broken["version"]!.GetValue<long>().ShouldBe(1);
        broken["eventType"]!.GetValue<string>().ShouldBe("IncidentReported");
        broken["expectedHash"]!.GetValue<string>().ShouldNotBe(broken["storedHash"]!.GetValue<string>());

        var store = await WholeStoreAsync();
        store["ok"]!.GetValue<bool>().ShouldBeFalse();
        store["firstBroken"]!["incidentId"]!.GetValue<Guid>().ShouldBe(tampered);
        store["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(1);

        // Removing the last event (hiding a step) shows too: the chain head remembers how long the chain was.
        (await TestServices.ExecuteOnAsync(Database, "delete from incidents.mt_events where stream_id = @id and version = 4", ("id", truncated)))
            .ShouldBe(1);
        var cut = await IntegrityOfAsync(truncated);
        cut["ok"]!.GetValue<bool>().ShouldBeFalse();
        cut["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(4);
        cut["firstBroken"]!["reason"]!.GetValue<string>().ShouldContain("missing");

        // Rewriting a stored hash (to cover a change) breaks the link it was written on.
        (await TestServices.ExecuteOnAsync(Database, 
            "update incidents.mt_events set headers = jsonb_set(headers, '{chain-hash}', '\"00\"') where stream_id = @id and version = 3",
            ("id", rehashed))).ShouldBe(1);
        var rewritten = await IntegrityOfAsync(rehashed);
        rewritten["ok"]!.GetValue<bool>().ShouldBeFalse();
        rewritten["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(3);
        rewritten["firstBroken"]!["storedHash"]!.GetValue<string>().ShouldBe("00");
    }

    [Fact]
    public async Task verification_of_an_unknown_incident_is_404_and_a_bad_cursor_400()
    {
        await IncidentsClient.ShouldBeProblemAsync(await Supervisor.Http.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/integrity"),
            HttpStatusCode.NotFound, "incident.not-found");
        await IncidentsClient.ShouldBeProblemAsync(await Supervisor.Http.GetAsync("/api/v1/integrity?after=banana"),
            HttpStatusCode.BadRequest, "request.invalid");
        await IncidentsClient.ShouldBeProblemAsync(await Supervisor.Http.GetAsync("/api/v1/integrity?limit=0"),
            HttpStatusCode.BadRequest, "request.invalid");
    }
}
