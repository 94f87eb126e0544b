using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests;

/// <summary>
/// A desk client that lost the answer to a report can send it again with the same <c>Idempotency-Key</c> and get the
/// same incident back, instead of opening a second one.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiFixture api)
{
    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string NewKey() => $"report-{Guid.NewGuid():N}";

    private static Task<long> ReportedEventsOnSystemAsync(string system) => TestServices.ScalarAsync<long>(
        "select count(*) from incidents.mt_events where type = 'incident_reported' and data ->> 'affectedSystem' = @system",
        ("system", system));

    private static async Task<Guid> IdOf(HttpResponseMessage response) =>
        (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();

    private static string? Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task retrying_a_report_with_the_same_key_and_body_returns_the_same_incident_and_opens_no_second()
    {
        var desk = api.Client();
        var system = NewSystem("retry");
        var key = NewKey();

        var first = await desk.ReportAsync(IncidentsClient.OutageReport(system), key);
        var retry = await desk.ReportAsync(IncidentsClient.OutageReport(system), key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        retry.StatusCode.ShouldBe(HttpStatusCode.Created, await retry.Content.ReadAsStringAsync());
        var id = await IdOf(first);
        (await IdOf(retry)).ShouldBe(id);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        Replayed(first).ShouldBeNull();
        Replayed(retry).ShouldBe("true");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
        (await ReportedEventsOnSystemAsync(system)).ShouldBe(1);
        (await EventStore.EventCountAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task a_replayed_report_is_not_announced_twice_on_the_broker()
    {
        var desk = api.Client();
        var system = NewSystem("retry-quiet");
        var key = NewKey();

        var id = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system), key));
        (await desk.ReportAsync(IncidentsClient.OutageReport(system), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await api.Broker.AnnouncedBeforeBarrierAsync(desk, id)).Count.ShouldBe(1, "the replay announced nothing");
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_422_idempotency_key_reused_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("reused");
        var otherSystem = NewSystem("reused-other");
        var key = NewKey();
        (await desk.ReportAsync(IncidentsClient.OutageReport(system), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var streamsBefore = await EventStore.StreamCountAsync();

        var sameSystemOtherTitle = await desk.ReportAsync(IncidentsClient.OutageReport(system, "Login page broken"), key);
        var otherSystemReport = await desk.ReportAsync(IncidentsClient.OutageReport(otherSystem), key);

        await IncidentsClient.ShouldBeProblemAsync(sameSystemOtherTitle, HttpStatusCode.UnprocessableEntity, "request.idempotency-key-reused");
        await IncidentsClient.ShouldBeProblemAsync(otherSystemReport, HttpStatusCode.UnprocessableEntity, "request.idempotency-key-reused");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
        (await EventStore.IncidentsOnSystemAsync(otherSystem)).ShouldBe(0);
        (await EventStore.StreamCountAsync()).ShouldBe(streamsBefore);
    }

    [Fact]
    public async Task five_simultaneous_reports_with_one_key_all_succeed_with_one_incident()
    {
        var desk = api.Client();
        var system = NewSystem("burst");
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(_ => desk.ReportAsync(IncidentsClient.OutageReport(system), key)));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        var report = string.Join(" | ", responses.Select((r, i) => $"{(int)r.StatusCode} {bodies[i]}"));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created, report);
        var ids = bodies.Select(b => JsonNode.Parse(b)!["id"]!.GetValue<Guid>()).Distinct().ToList();
        ids.Count.ShouldBe(1, report);
        responses.Count(r => Replayed(r) is null).ShouldBe(1, "exactly one request created the incident: " + report);
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
        (await ReportedEventsOnSystemAsync(system)).ShouldBe(1);

        (await api.Broker.AnnouncedBeforeBarrierAsync(desk, ids[0])).Count.ShouldBe(1, "the incident should be announced once");
    }

    [Fact]
    public async Task a_retry_after_the_incident_moved_on_still_returns_the_same_incident()
    {
        var desk = api.Client();
        var system = NewSystem("moved-on");
        var key = NewKey();
        var id = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system), key));
        await desk.StepOkAsync(id, "acknowledge");

        var retry = await desk.ReportAsync(IncidentsClient.OutageReport(system), key);

        retry.StatusCode.ShouldBe(HttpStatusCode.Created, await retry.Content.ReadAsStringAsync());
        (await IdOf(retry)).ShouldBe(id);
        Replayed(retry).ShouldBe("true");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
        (await EventStore.EventCountAsync(id)).ShouldBe(2);
    }

    [Fact]
    public async Task a_refused_report_does_not_use_up_its_key()
    {
        var desk = api.Client();
        var system = NewSystem("refused-key");
        var key = NewKey();
        var invalid = new { affectedSystem = system, @class = "outage", channel = "phone", reporter = new { name = "Wang Fang" } };

        (await desk.ReportAsync(invalid, key)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var corrected = await desk.ReportAsync(IncidentsClient.OutageReport(system), key);

        corrected.StatusCode.ShouldBe(HttpStatusCode.Created, await corrected.Content.ReadAsStringAsync());
        Replayed(corrected).ShouldBeNull();
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(1);
    }

    [Fact]
    public async Task reports_without_a_key_or_with_different_keys_are_separate_incidents()
    {
        var desk = api.Client();
        var system = NewSystem("no-key");

        var a = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system)));
        var b = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system)));
        var c = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system), NewKey()));
        var d = await IdOf(await desk.ReportAsync(IncidentsClient.OutageReport(system), NewKey()));

        new[] { a, b, c, d }.Distinct().Count().ShouldBe(4);
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(4);
    }

    [Fact]
    public async Task an_idempotency_key_over_200_characters_is_400_naming_the_header_and_creates_nothing()
    {
        var desk = api.Client();
        var system = NewSystem("long-key");

        var response = await desk.ReportAsync(IncidentsClient.OutageReport(system), new string('k', 201));

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain("Idempotency-Key");
        (await EventStore.IncidentsOnSystemAsync(system)).ShouldBe(0);
    }
}
