using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests;

/// <summary>
/// Two operators on the same incident at the same moment: one wins, the other is told why, and the stream holds only
/// what the winner did. Versions travel as ETags so a client can say which version it acted on.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrencyTests(ApiFixture api)
{
    private const int Races = 10;

    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static Task<long> EventsOfTypeAsync(Guid id, string type) => TestServices.ScalarAsync<long>(
        "select count(*) from incidents.mt_events where stream_id = @id and type = @type", ("id", id), ("type", type));

    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())?["code"]?.GetValue<string>() ?? "";

    private static long ETagVersion(HttpResponseMessage response)
    {
        response.Headers.ETag.ShouldNotBeNull("the response should carry an ETag");
        response.Headers.ETag.IsWeak.ShouldBeFalse();
        return long.Parse(response.Headers.ETag.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task two_simultaneous_acknowledgements_record_exactly_one_and_refuse_the_other()
    {
        var desk = api.Client("desk-01", "Li Na");
        var engineer = api.Client("eng-07", "Zhao Lei", role: "responder");
        var ids = new List<Guid>();

        for (var race = 0; race < Races; race++)
        {
            var id = await desk.ReportOutageAsync(NewSystem($"ack-race-{race}"));
            ids.Add(id);

            var responses = await Task.WhenAll(desk.StepAsync(id, "acknowledge"), engineer.StepAsync(id, "acknowledge"));

            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            var report = string.Join(" | ", responses.Select((r, i) => $"{(int)r.StatusCode} {bodies[i]}"));
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, report);
            var loser = responses.Single(r => r.StatusCode != HttpStatusCode.OK);
            loser.StatusCode.ShouldBeOneOf([HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed], report);
            loser.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            (await CodeOf(loser)).ShouldBeOneOf(
                ["incident.already-acknowledged", "incident.concurrent-change", "incident.version-mismatch"], report);

            (await EventsOfTypeAsync(id, "incident_acknowledged")).ShouldBe(1, report);
            (await EventStore.EventCountAsync(id)).ShouldBe(2, report);

            var winner = await IncidentsClient.ReadJsonAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK));
            var stored = await desk.GetAsync(id);
            stored["version"]!.GetValue<long>().ShouldBe(2);
            stored["acknowledgedBy"]!["id"]!.GetValue<string>().ShouldBe(winner["acknowledgedBy"]!["id"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            var messages = await api.Broker.AnnouncedBeforeBarrierAsync(desk, id);
            messages.Count(m => m.Message.TryGetProperty("step", out var step) && step.GetString() == "acknowledged")
                .ShouldBe(1, $"incident {id} should be announced as acknowledged exactly once");
            messages.Count.ShouldBe(2);
        }
    }

    [Fact]
    public async Task two_simultaneous_changes_on_the_same_if_match_let_one_through_and_answer_412_to_the_other()
    {
        var desk = api.Client("desk-01", "Li Na");
        var engineer = api.Client("eng-07", "Zhao Lei", role: "responder");

        for (var race = 0; race < Races; race++)
        {
            var id = await desk.ReportOutageAsync(NewSystem($"if-match-race-{race}"));

            var responses = await Task.WhenAll(
                desk.StepAsync(id, "comments", new { text = "Called the hospital back" }, ifMatch: 1),
                engineer.StepAsync(id, "acknowledge", ifMatch: 1));

            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            var report = string.Join(" | ", responses.Select((r, i) => $"{(int)r.StatusCode} {bodies[i]}"));
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, report);
            var loser = responses.Single(r => r.StatusCode != HttpStatusCode.OK);
            loser.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, report);
            (await CodeOf(loser)).ShouldBe("incident.version-mismatch", report);
            (await EventStore.EventCountAsync(id)).ShouldBe(2, report);
        }
    }

    [Fact]
    public async Task simultaneous_comments_without_if_match_never_fail_with_500_and_keep_every_accepted_one()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("comment-burst"));

        var responses = await Task.WhenAll(Enumerable.Range(1, 5)
            .Select(i => desk.StepAsync(id, "comments", new { text = $"Note {i}" })));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        var report = string.Join(" | ", responses.Select((r, i) => $"{(int)r.StatusCode} {bodies[i]}"));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Conflict, report);
            (await CodeOf(response)).ShouldBe("incident.concurrent-change", report);
        }

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        accepted.ShouldBeGreaterThanOrEqualTo(1, report);
        (await EventsOfTypeAsync(id, "incident_comment_added")).ShouldBe(accepted, report);
        var incident = await desk.GetAsync(id);
        incident["commentCount"]!.GetValue<int>().ShouldBe(accepted);
        incident["version"]!.GetValue<long>().ShouldBe(1 + accepted);
    }

    [Fact]
    public async Task a_stale_if_match_is_412_version_mismatch_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("stale"));
        await desk.StepOkAsync(id, "acknowledge");

        var response = await desk.StepAsync(id, "comments", new { text = "Based on what I saw first" }, ifMatch: 1);

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.PreconditionFailed, "incident.version-mismatch");
        problem["detail"]!.GetValue<string>().ShouldContain("2");
        (await EventStore.EventCountAsync(id)).ShouldBe(2);
        (await desk.GetAsync(id))["commentCount"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task an_if_match_ahead_of_the_stream_is_412_and_appends_nothing()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("ahead"));

        var response = await desk.StepAsync(id, "acknowledge", ifMatch: 5);

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.PreconditionFailed, "incident.version-mismatch");
        (await EventStore.EventCountAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task the_current_if_match_is_accepted_and_the_response_etag_is_the_new_version()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("current"));
        await desk.StepOkAsync(id, "acknowledge");

        var response = await desk.StepAsync(id, "comments", new { text = "Reporter called back" }, ifMatch: 2);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        ETagVersion(response).ShouldBe(3);
        (await IncidentsClient.ReadJsonAsync(response))["version"]!.GetValue<long>().ShouldBe(3);
        (await EventStore.EventCountAsync(id)).ShouldBe(3);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    public async Task a_wildcard_or_weak_if_match_of_the_current_version_is_accepted(string ifMatch)
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("if-match-forms"));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge");
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        var response = await desk.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        ETagVersion(response).ShouldBe(2);
    }

    [Fact]
    public async Task reading_an_incident_returns_its_version_as_etag_and_if_none_match_answers_304()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("etag"));
        await desk.StepOkAsync(id, "acknowledge");

        var first = await desk.Http.GetAsync($"/api/v1/incidents/{id}");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var version = (await IncidentsClient.ReadJsonAsync(first))["version"]!.GetValue<long>();
        version.ShouldBe(2);
        ETagVersion(first).ShouldBe(version);

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await desk.Http.SendAsync(conditional);

        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await notModified.Content.ReadAsStringAsync()).ShouldBeEmpty();
        ETagVersion(notModified).ShouldBe(version);
    }

    [Fact]
    public async Task after_a_change_the_old_etag_no_longer_matches_and_the_new_one_is_served()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("etag-moves"));
        var before = await desk.Http.GetAsync($"/api/v1/incidents/{id}");
        await desk.StepOkAsync(id, "acknowledge");

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        conditional.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var response = await desk.Http.SendAsync(conditional);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ETagVersion(response).ShouldBe(2);
        (await IncidentsClient.ReadJsonAsync(response))["status"]!.GetValue<string>().ShouldBe("acknowledged");
    }

    [Fact]
    public async Task the_timeline_etag_is_the_version_of_its_last_entry()
    {
        var desk = api.Client();
        var id = await desk.ReportOutageAsync(NewSystem("timeline-etag"));
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "comments", new { text = "On it" });

        var response = await desk.Http.GetAsync($"/api/v1/incidents/{id}/timeline");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var timeline = await IncidentsClient.ReadJsonAsync(response);
        timeline["version"]!.GetValue<long>().ShouldBe(3);
        ETagVersion(response).ShouldBe(3);
        timeline["entries"]!.AsArray()[^1]!["version"]!.GetValue<long>().ShouldBe(3);
    }

    [Fact]
    public async Task a_report_answers_with_its_location_and_etag_version_1()
    {
        var desk = api.Client();

        var response = await desk.ReportAsync(IncidentsClient.OutageReport(NewSystem("created")));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/incidents/{id}");
        ETagVersion(response).ShouldBe(1);
        (await desk.Http.GetAsync(response.Headers.Location)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_stale_etag_can_be_refreshed_and_the_retry_succeeds()
    {
        var desk = api.Client("desk-01", "Li Na");
        var engineer = api.Client("eng-07", "Zhao Lei", role: "responder");
        var id = await desk.ReportOutageAsync(NewSystem("retry"));
        var seen = await desk.Http.GetAsync($"/api/v1/incidents/{id}");
        await engineer.StepOkAsync(id, "acknowledge");

        var stale = await desk.StepAsync(id, "responders", new { responderId = "eng-07", name = "Zhao Lei" }, ETagVersion(seen));
        await IncidentsClient.ShouldBeProblemAsync(stale, HttpStatusCode.PreconditionFailed, "incident.version-mismatch");

        var fresh = await desk.Http.GetAsync($"/api/v1/incidents/{id}");
        var retried = await desk.StepAsync(id, "responders", new { responderId = "eng-07", name = "Zhao Lei" }, ETagVersion(fresh));
        retried.StatusCode.ShouldBe(HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        ETagVersion(retried).ShouldBe(3);
        retried.Headers.ETag.ShouldBe(new EntityTagHeaderValue("\"3\""));
    }
}
