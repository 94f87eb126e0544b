using System.Net;
using System.Net.Http.Json;
using Incidents.Api.Intake;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Intake;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Projections.Intake;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Incidents.IntegrationTests.Intake;

/// <summary>
/// Concurrent senders share the intake's transactions (group commit per integration): nothing is lost or doubled, a bad
/// request fails alone, and a change made to the integration by another API node (a rotated key, a new mapping) holds
/// although this node remembers integrations between requests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IntakeBatchingTests(ApiFixture api)
{
    private static object Trigger(string dedupKey, string source, DateTimeOffset? occurredAt, string severity = "error") => new
    {
        eventAction = "trigger",
        dedupKey,
        payload = new { summary = $"Probe failed on {source}", source, severity, occurredAt },
    };

    [Fact]
    public async Task forty_senders_posting_one_dedup_key_at_once_make_one_incident_that_counts_every_alert()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic");
        var source = $"hisdb-{Guid.NewGuid():N}";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);

        // Every sender its own occurrence of the same key, all posted at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            events.AcceptedAsync(Trigger("hisdb-down", source, t0.AddSeconds(i)))));

        var outcomes = answers.Select(a => a["alerts"]![0]!["outcome"]!.GetValue<string>()).ToList();
        outcomes.Count(o => o == "opened").ShouldBe(1);
        outcomes.Count(o => o == "added").ShouldBe(39);
        var id = answers.SelectMany(IntakeClient.Incidents).Distinct().ShouldHaveSingleItem();
        (await EventStore.IncidentsOnSystemAsync(source)).ShouldBe(1);
        var incident = await api.Client().GetAsync(id);
        incident["alerts"]!["received"]!.GetValue<int>().ShouldBe(40, "every alert is accounted for, none twice");
        incident["alerts"]!["keys"]!.GetValue<int>().ShouldBe(1);

        var received = await AlertmanagerIntakeTests.ReceivedEventsAsync(id);
        received.Sum(r => r["received"]!.GetValue<int>()).ShouldBe(40);
        received.Select(r => r["count"]!.GetValue<int>()).ShouldBe(received.Select(r => r["count"]!.GetValue<int>()).Order(),
            "the key's count grows in the order the alerts were written");
        received[^1]["count"]!.GetValue<int>().ShouldBe(40);
        received.Count.ShouldBeLessThan(40, "alerts posted together are written together: one event counts those of one batch");
    }

    [Fact]
    public async Task a_bad_request_among_concurrent_good_ones_is_refused_alone_and_a_bad_alert_only_with_its_own_index()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic", new { groupingWindow = "PT0S" });
        var source = $"pacs-{Guid.NewGuid():N}";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        var noSummary = new { eventAction = "trigger", dedupKey = "pacs-bad", payload = new { source, severity = "error" } };

        var good = Enumerable.Range(0, 20).Select(i => events.PostAsync(Trigger($"pacs-{i}", source, t0.AddSeconds(i)))).ToList();
        var bad = events.PostAsync(noSummary);
        var mixed = events.PostAsync(new object[] { Trigger("pacs-mixed", source, t0), noSummary, Trigger("pacs-late", source, t0.AddHours(2)) });
        await Task.WhenAll([.. good, bad, mixed]);

        foreach (var response in good)
        {
            (await response).StatusCode.ShouldBe(HttpStatusCode.Accepted, await (await response).Content.ReadAsStringAsync());
        }

        var refused = await IncidentsClient.ShouldBeProblemAsync(await bad, HttpStatusCode.BadRequest, "request.invalid");
        refused["errors"]!["alerts[0]"]!.ToJsonString().ShouldContain("summary");
        var partly = await mixed;
        partly.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var answer = await IncidentsClient.ReadJsonAsync(partly);
        answer["accepted"]!.GetValue<int>().ShouldBe(1);
        answer["invalid"]!.AsArray().Select(i => i!["index"]!.GetValue<int>()).ShouldBe([1, 2]);
        answer["alerts"]!.AsArray().ShouldHaveSingleItem()!["index"]!.GetValue<int>().ShouldBe(0, "each answer speaks of its own request's alerts");

        // 20 good keys and the one good alert of the mixed request, one incident each (grouping off, storm limit 5 folds the rest).
        var counted = await TestServices.ScalarAsync<long>(
            "select coalesce(sum((data -> 'alerts' ->> 'received')::int), 0) from incidents.mt_doc_incidentdetails where data ->> 'affectedSystem' = @system",
            ("system", source));
        counted.ShouldBe(21);
    }

    [Fact]
    public async Task a_key_rotated_on_another_node_is_refused_here_before_anything_is_written()
    {
        var (events, id, oldKey) = await IntakeClient.CreateAsync(api, "generic");
        var source = $"ris-{Guid.NewGuid():N}";
        await events.AcceptedAsync(Trigger("ris-down", source, DateTimeOffset.UtcNow.AddMinutes(-2)));

        // Another API node rotates the key: this node is not told, it remembers the integration with the old key.
        var newKey = IntegrationKeys.NewKey();
        await ChangeElsewhereAsync(id, state => AlertIntegrationDecider.Decide(
            new RotateIntegrationKey(IntegrationKeys.Hash(newKey), new Actor("admin-02", "Other node admin")), state, DateTimeOffset.UtcNow));

        var late = $"ris-late-{Guid.NewGuid():N}";
        await IncidentsClient.ShouldBeProblemAsync(await events.PostAsync(Trigger("ris-late", late, DateTimeOffset.UtcNow.AddMinutes(-1))),
            HttpStatusCode.Unauthorized, "intake.unauthenticated");
        (await EventStore.IncidentsOnSystemAsync(late)).ShouldBe(0, "nothing is written with a key that no longer admits");

        var fresh = api.Factory.CreateClient();
        fresh.DefaultRequestHeaders.Add(IntegrationAuthentication.KeyHeader, newKey);
        (await fresh.PostAsJsonAsync(events.Path, Trigger("ris-late", late, DateTimeOffset.UtcNow.AddMinutes(-1)))).StatusCode
            .ShouldBe(HttpStatusCode.Accepted);
        oldKey.ShouldNotBe(newKey);
    }

    [Fact]
    public async Task a_mapping_changed_on_another_node_applies_to_the_next_alert_here()
    {
        var (events, id, _) = await IntakeClient.CreateAsync(api, "generic");
        var first = $"lis-{Guid.NewGuid():N}";
        var opened = await events.AcceptedAsync(Trigger("lis-down", first, DateTimeOffset.UtcNow.AddMinutes(-2), "error"));
        (await api.Client().GetAsync(IntakeClient.Incidents(opened).ShouldHaveSingleItem()))["class"]!.GetValue<string>().ShouldBe("fault");

        await ChangeElsewhereAsync(id, state => AlertIntegrationDecider.Decide(new ChangeAlertMapping(state.Mapping with
        {
            ClassRules = [new ClassRule("severity", "error", IncidentClass.MajorEvent)],
        }, new Actor("admin-02", "Other node admin")), state, DateTimeOffset.UtcNow));

        var second = $"lis-{Guid.NewGuid():N}";
        var next = await events.AcceptedAsync(Trigger("lis-slow", second, DateTimeOffset.UtcNow.AddMinutes(-1), "error"));
        (await api.Client().GetAsync(IntakeClient.Incidents(next).ShouldHaveSingleItem()))["class"]!.GetValue<string>()
            .ShouldBe("major-event", "the alert is read again with the mapping as stored");
    }

    /// <summary>What another API node does to an integration: appended straight to the store, this node's memory untold.</summary>
    private async Task ChangeElsewhereAsync(Guid id, Func<AlertIntegration, Decision> decide)
    {
        var store = api.Factory.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<AlertIntegrationDetails>(id);
        var decision = decide(stream.Aggregate!.State!);
        decision.Error.ShouldBeNull();
        AlertIntegrationStream.Stage(session, id, stream.Aggregate, decision.Events);
        await session.SaveChangesAsync();
    }
}
