using System.Net;
using System.Net.Http.Json;
using System.Text;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Intake;

/// <summary>What the intake refuses: unknown integrations and wrong keys (401, nothing stored), and bad payloads (400).</summary>
[Collection(ApiCollection.Name)]
public sealed class IntakeRefusalTests(ApiFixture api)
{
    private static object Firing(string service) => Alertmanager.Payload("firing",
        Alertmanager.Alert("firing", service, "ServiceDown", DateTimeOffset.UtcNow.AddMinutes(-1), "c0ffee"));

    [Fact]
    public async Task unknown_integration_wrong_key_revoked_key_and_a_persons_token_get_401_and_nothing_is_stored()
    {
        var (alertmanager, id, key) = await IntakeClient.CreateAsync(api, "alertmanager");
        var service = $"auth-{Guid.NewGuid():N}";
        var streams = await EventStore.StreamCountAsync();

        var wrongKey = api.Factory.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Integration-Key", key + "x");
        var unknown = api.Factory.CreateClient();
        unknown.DefaultRequestHeaders.Add("X-Integration-Key", key);
        var person = api.Client();

        await IncidentsClient.ShouldBeProblemAsync(await wrongKey.PostAsJsonAsync(alertmanager.Path, Firing(service)),
            HttpStatusCode.Unauthorized, "intake.unauthenticated");
        await IncidentsClient.ShouldBeProblemAsync(await unknown.PostAsJsonAsync($"/api/v1/intake/alertmanager/{Guid.NewGuid()}", Firing(service)),
            HttpStatusCode.Unauthorized, "intake.unauthenticated");
        await IncidentsClient.ShouldBeProblemAsync(await unknown.PostAsJsonAsync($"/api/v1/intake/events/{id}", Firing(service)),
            HttpStatusCode.Unauthorized, "intake.unauthenticated");
        await IncidentsClient.ShouldBeProblemAsync(await person.Http.PostAsJsonAsync(alertmanager.Path, Firing(service)),
            HttpStatusCode.Unauthorized, "intake.unauthenticated");
        (await EventStore.StreamCountAsync()).ShouldBe(streams);

        var admin = api.Client("admin-01", "Ma Lin", "admin");
        (await admin.Http.PostAsJsonAsync($"/api/v1/integrations/{id}/revoke-key", new { reason = "leaked" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await alertmanager.PostAsync(Firing(service))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var rotated = await IncidentsClient.ReadJsonAsync(await admin.Http.PostAsync($"/api/v1/integrations/{id}/rotate-key", null));
        var fresh = api.Factory.CreateClient();
        fresh.DefaultRequestHeaders.Add("X-Integration-Key", rotated["key"]!.GetValue<string>());
        (await fresh.PostAsJsonAsync(alertmanager.Path, Firing(service))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await alertmanager.PostAsync(Firing(service))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the old key stopped working");
        var shown = await admin.GetJsonAsync($"/api/v1/integrations/{id}");
        shown["key"].ShouldBeNull("a key is shown only when it is issued");
        shown["keyVersion"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task failed_key_attempts_from_one_address_are_rate_limited()
    {
        await using var host = await TestHost.StartAsync(TestServices.TestDatabase, new Dictionary<string, string>
        {
            ["RateLimits:IntakeKeyFailures:TokenLimit"] = "3",
            ["RateLimits:IntakeKeyFailures:TokensPerPeriod"] = "1",
            ["RateLimits:IntakeKeyFailures:ReplenishmentPeriod"] = "00:05:00",
        });
        var guesser = host.CreateClient();
        guesser.DefaultRequestHeaders.Add("X-Integration-Key", "ik_guess");
        var path = $"/api/v1/intake/alertmanager/{Guid.NewGuid()}";
        for (var i = 0; i < 3; i++)
        {
            (await guesser.PostAsJsonAsync(path, Firing("x"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var limited = await guesser.PostAsJsonAsync(path, Firing("x"));

        await IncidentsClient.ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests, "intake.too-many-failures");
        limited.Headers.RetryAfter.ShouldNotBeNull();
    }

    public static TheoryData<string, string> BadPayloads => new()
    {
        { "not json", "{\"version\":\"4\",\"alerts\":[" },
        { "an array", "[]" },
        { "version 3", "{\"version\":\"3\",\"status\":\"firing\",\"alerts\":[]}" },
        { "no alerts", "{\"version\":\"4\",\"status\":\"firing\"}" },
        { "alert without labels", "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"2020-01-01T00:00:00Z\",\"fingerprint\":\"1\"}]}" },
        { "startsAt in the future", "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"service\":\"x\"},\"startsAt\":\"2099-01-01T00:00:00Z\",\"fingerprint\":\"1\"}]}" },
        { "bad status", "{\"version\":\"4\",\"alerts\":[{\"status\":\"burning\",\"labels\":{\"service\":\"x\"},\"startsAt\":\"2020-01-01T00:00:00Z\"}]}" },
        { "labels not strings", "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"service\":{\"a\":1}},\"startsAt\":\"2020-01-01T00:00:00Z\"}]}" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task malformed_alertmanager_payloads_are_400_problems_and_store_nothing(string what, string body)
    {
        var (alertmanager, _, _) = await IntakeClient.CreateAsync(api, "alertmanager");
        var streams = await EventStore.StreamCountAsync();

        var response = await alertmanager.PostRawAsync(body);

        await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        (await EventStore.StreamCountAsync()).ShouldBe(streams, what);
    }

    [Fact]
    public async Task invalid_utf8_and_oversized_label_sets_are_400_problems()
    {
        var (alertmanager, _, _) = await IntakeClient.CreateAsync(api, "alertmanager");
        var prefix = Encoding.UTF8.GetBytes("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"service\":\"");
        var suffix = Encoding.UTF8.GetBytes("\"},\"startsAt\":\"2020-01-01T00:00:00Z\"}]}");
        var invalidUtf8 = await alertmanager.PostRawAsync([.. prefix, 0xC3, 0x28, .. suffix]);
        var tooMany = Enumerable.Range(0, 65).ToDictionary(i => $"l{i}", i => "v");
        tooMany["service"] = "x";
        var manyLabels = await alertmanager.PostAsync(new
        {
            version = "4", status = "firing",
            alerts = new[] { new { status = "firing", labels = tooMany, startsAt = DateTimeOffset.UtcNow.AddMinutes(-1), fingerprint = "1" } },
        });
        var hugeValue = await alertmanager.PostAsync(new
        {
            version = "4", status = "firing",
            alerts = new[]
            {
                new { status = "firing", labels = new Dictionary<string, string> { ["service"] = "x", ["blob"] = new string('x', 2000) },
                    startsAt = DateTimeOffset.UtcNow.AddMinutes(-1), fingerprint = "1" },
            },
        });

        await IncidentsClient.ShouldBeProblemAsync(invalidUtf8, HttpStatusCode.BadRequest, "request.invalid");
        (await IncidentsClient.ShouldBeProblemAsync(manyLabels, HttpStatusCode.BadRequest, "request.invalid")).ToJsonString().ShouldContain("64");
        await IncidentsClient.ShouldBeProblemAsync(hugeValue, HttpStatusCode.BadRequest, "request.invalid");
    }

    [Fact]
    public async Task generic_events_without_an_action_or_summary_are_400()
    {
        var (events, _, _) = await IntakeClient.CreateAsync(api, "generic");

        var noAction = await events.PostAsync(new { dedupKey = "x", payload = new { summary = "s", source = "x" } });
        var noSummary = await events.PostAsync(new { eventAction = "trigger", payload = new { source = "x" } });
        var resolveWithoutKey = await events.PostAsync(new { eventAction = "resolve" });

        foreach (var response in new[] { noAction, noSummary, resolveWithoutKey })
        {
            await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        }
    }
}
