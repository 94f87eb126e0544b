using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Security;

[Collection(ApiCollection.Name)]
public sealed class AuthenticationTests(ApiFixture api)
{
    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static IncidentsClient WithToken(ApiFixture api, string token) => new(api.Factory.CreateClient(), token);

    private static async Task ShouldBeUnauthenticatedAsync(HttpResponseMessage response)
    {
        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized, "auth.unauthenticated");
        problem["correlationId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task a_report_without_a_token_is_a_401_problem_and_creates_nothing()
    {
        var system = NewSystem("anonymous");

        await ShouldBeUnauthenticatedAsync(await api.Anonymous().ReportAsync(IncidentsClient.OutageReport(system)));

        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0);
    }

    [Fact]
    public async Task steps_and_reads_without_a_token_are_401_problems_and_append_nothing()
    {
        var id = await api.Client().ReportOutageAsync(NewSystem("anonymous-step"));
        var anonymous = api.Anonymous();

        await ShouldBeUnauthenticatedAsync(await anonymous.StepAsync(id, "acknowledge"));
        await ShouldBeUnauthenticatedAsync(await anonymous.StepAsync(id, "comments", new { text = "hi" }));
        await ShouldBeUnauthenticatedAsync(await anonymous.Http.GetAsync($"/api/v1/incidents/{id}"));
        await ShouldBeUnauthenticatedAsync(await anonymous.Http.GetAsync("/api/v1/incidents"));

        (await EventStore.EventCountAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task expired_foreign_misaddressed_or_nameless_tokens_are_401_problems()
    {
        var id = await api.Client().ReportOutageAsync(NewSystem("bad-tokens"));
        var tokens = new Dictionary<string, string>
        {
            ["expired"] = TestTokens.For("hotline", "desk-01", "Li Na", expires: DateTime.UtcNow.AddMinutes(-5)),
            ["signed with another key"] = TestTokens.For("hotline", "desk-01", "Li Na", key: "someone-elses-signing-key-0123456789abcdef"),
            ["for another audience"] = TestTokens.For("hotline", "desk-01", "Li Na", audience: "another-api"),
            ["from another issuer"] = TestTokens.For("hotline", "desk-01", "Li Na", issuer: "someone-else"),
            ["without a user id"] = TestTokens.For("hotline", "", "Li Na"),
            ["not a token at all"] = "not-a-jwt",
        };

        foreach (var (what, token) in tokens)
        {
            var response = await WithToken(api, token).StepAsync(id, "acknowledge");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, what);
            await ShouldBeUnauthenticatedAsync(response);
        }

        (await EventStore.EventCountAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task a_role_that_may_not_change_incidents_gets_a_403_problem_and_nothing_is_appended()
    {
        var id = await api.Client().ReportOutageAsync(NewSystem("supervisor-writes"));

        foreach (var role in new[] { "supervisor", "admin", "drill-coordinator" })
        {
            var outsider = api.Client($"{role}-01", "Someone", role);
            var response = await outsider.StepAsync(id, "acknowledge");
            var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden");
            problem["correlationId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        }

        (await EventStore.EventCountAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task a_token_without_any_known_role_reads_nothing()
    {
        var nobody = api.Client("guest-01", "Guest", role: "visitor");

        await IncidentsClient.ShouldBeProblemAsync(await nobody.Http.GetAsync("/api/v1/incidents"), HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task every_event_records_who_from_the_token_and_why_and_the_timeline_shows_it()
    {
        var desk = api.Client("desk-01", "Li Na");
        var engineer = api.Client("eng-07", "Zhao Lei", role: "responder");
        var id = await desk.ReportOutageAsync(NewSystem("who-and-why"));
        var acknowledge = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge");
        acknowledge.Headers.Add("X-Correlation-Id", "call-2026-0042");
        (await engineer.Http.SendAsync(acknowledge)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var entries = (await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray();

        entries[0]!["by"]!["id"]!.GetValue<string>().ShouldBe("desk-01");
        entries[0]!["by"]!["name"]!.GetValue<string>().ShouldBe("Li Na");
        entries[1]!["by"]!["id"]!.GetValue<string>().ShouldBe("eng-07");
        entries[1]!["by"]!["name"]!.GetValue<string>().ShouldBe("Zhao Lei");
        entries[1]!["correlationId"]!.GetValue<string>().ShouldBe("call-2026-0042");
        entries.ShouldAllBe(e => e!["causationId"]!.GetValue<string>().StartsWith("http:"));
        entries[0]!["causationId"]!.GetValue<string>().ShouldNotBe(entries[1]!["causationId"]!.GetValue<string>());
        entries.ShouldAllBe(e => System.Text.RegularExpressions.Regex.IsMatch(e!["hash"]!.GetValue<string>(), "^[A-Za-z0-9_-]+:[0-9a-f]{64}$"));
        (await TestServices.ScalarAsync<string>(
            "select user_name from incidents.mt_events where stream_id = @id and version = 2", ("id", id))).ShouldBe("eng-07");
    }

    [Fact]
    public async Task the_actor_headers_of_the_old_stand_in_are_ignored()
    {
        var http = api.Factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Actor-Id", "desk-01");
        var system = NewSystem("actor-headers");

        await ShouldBeUnauthenticatedAsync(await http.PostAsJsonAsync("/api/v1/incidents", IncidentsClient.OutageReport(system)));

        var impostor = api.Client("eng-07", "Zhao Lei", role: "responder");
        impostor.Http.DefaultRequestHeaders.Add("X-Actor-Id", "desk-01");
        var id = await api.Client().ReportOutageAsync(system);
        var acknowledged = await impostor.StepOkAsync(id, "acknowledge");
        acknowledged["acknowledgedBy"]!["id"]!.GetValue<string>().ShouldBe("eng-07");
    }

    [Fact]
    public async Task health_probes_the_openapi_document_and_the_reference_need_no_token()
    {
        var anonymous = api.Anonymous().Http;

        (await anonymous.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/docs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "garbage");
        (await anonymous.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK, "a bad token does not break a probe");
    }
}
