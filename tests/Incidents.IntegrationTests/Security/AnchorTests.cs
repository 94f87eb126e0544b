using System.Net;
using System.Text.Json.Nodes;
using Incidents.Api.Security.Integrity;
using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// The chain heads anchored outside the database (issue #14): someone who can write to PostgreSQL <i>and</i> holds (or
/// guessed) the chain key can rewrite a stream so that its chain verifies, or delete a stream with its head; the last
/// anchor checkpoint, signed with another key and kept in a log outside the database, still shows it. The store-wide check
/// names every broken stream, not the first.
/// </summary>
/// <remarks>A database, an anchor log and a host of their own: the tampering here must not show in other tests' checks.</remarks>
public sealed class AnchorTests(AnchorTests.OwnHost own) : IClassFixture<AnchorTests.OwnHost>
{
    private static string Database => TestServices.TestDatabase + "_anchors";

    public sealed class OwnHost : IAsyncLifetime
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; private set; } = null!;

        public FakeTimeProvider Clock { get; } = new(TestClock.Start);

        public string AnchorDirectory { get; } = Path.Combine(Path.GetTempPath(), "incidents-anchor-tests", Guid.NewGuid().ToString("N"));

        public async Task InitializeAsync()
        {
            await TestServices.RecreateDatabaseAsync(Database);
            Factory = await TestHost.StartAsync(Database, new Dictionary<string, string>
            {
                [ChainAnchors.DirectorySetting] = AnchorDirectory,
                [ChainAnchors.IntervalSetting] = "01:00:00",
            }, Clock);
        }

        public async Task DisposeAsync()
        {
            await Factory.DisposeAsync();
            Directory.Delete(AnchorDirectory, recursive: true);
        }
    }

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host => own.Factory;

    private IncidentsClient Supervisor => IncidentsClient.For(host.CreateClient(), "sup-01", "Liu Yang", "supervisor");

    private IncidentsClient Admin => IncidentsClient.For(host.CreateClient(), "admin-01", "Ma Lin", "admin");

    private static Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        TestServices.ExecuteOnAsync(Database, sql, parameters);

    private async Task<Guid> WorkedIncidentAsync(string prefix)
    {
        var desk = IncidentsClient.For(host.CreateClient());
        var id = await desk.ReportOutageAsync($"{prefix}-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "comments", new { text = "Called the hospital back" });
        return id;
    }

    private async Task<JsonNode> AnchorAsync()
    {
        var response = await Admin.Http.PostAsync("/api/v1/integrity/anchors", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }

    /// <summary>Every finding of the whole store, following <c>next</c>.</summary>
    private async Task<(bool Ok, List<JsonNode> Findings)> StoreCheckAsync()
    {
        var findings = new List<JsonNode>();
        var ok = true;
        string? path = "/api/v1/integrity?limit=2";
        while (path is not null)
        {
            var page = await Supervisor.GetJsonAsync(path);
            ok &= page["ok"]!.GetValue<bool>();
            findings.AddRange(page["findings"]!.AsArray().Select(f => f!));
            path = page["next"]?.GetValue<string>();
        }

        return (ok, findings);
    }

    /// <summary>
    /// The insider's best: rewrite the title of the report, then recompute every link and seal after it with the chain key
    /// itself (stolen or guessed), and store them and the head, so that the chain verifies again.
    /// </summary>
    private async Task RewriteWithTheChainKeyAsync(Guid id)
    {
        (await ExecuteAsync(
            "update incidents.mt_events set data = jsonb_set(data, '{title}', '\"Nothing happened\"') where stream_id = @id and version = 1",
            ("id", id))).ShouldBe(1);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var previous = EventChain.Genesis;
        foreach (var e in await session.Events.FetchStreamAsync(id))
        {
            previous = EventChain.Compute(previous, id, e.Version, EventChain.TypeName(e), e.Data);
            var seal = EventChain.Seal(EventChain.Keys, EventChain.Keys.ActiveId, previous, e.CorrelationId, e.CausationId, e.UserName)!;
            await ExecuteAsync(
                "update incidents.mt_events set headers = jsonb_set(jsonb_set(headers, '{chain-hash}', to_jsonb(@hash::text)), '{chain-seal}', to_jsonb(@seal::text)) "
                + "where stream_id = @id and version = @v",
                ("hash", previous), ("seal", seal), ("id", id), ("v", e.Version));
        }

        (await ExecuteAsync(
            "update incidents.mt_doc_incidentdetails set data = jsonb_set(data, '{chainHash}', to_jsonb(@hash::text)) where id = @id",
            ("hash", previous), ("id", id))).ShouldBe(1);
    }

    [Fact]
    public async Task a_rewrite_relinked_with_the_chain_key_itself_verifies_as_a_chain_but_not_against_the_anchor()
    {
        var id = await WorkedIncidentAsync("anchor-rewrite");
        var taken = await AnchorAsync();
        taken["streams"]!.GetValue<int>().ShouldBeGreaterThan(0);

        await RewriteWithTheChainKeyAsync(id);

        var report = await Supervisor.GetJsonAsync($"/api/v1/incidents/{id}/integrity");
        report["ok"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        var finding = report["findings"]!.AsArray().Single()!;
        finding["kind"]!.GetValue<string>().ShouldBe(FindingKinds.BrokenAnchor, "the chain itself verifies: only the anchor shows it");
        finding["version"]!.GetValue<long>().ShouldBe(3);
        finding["reason"]!.GetValue<string>().ShouldContain("History rewritten");
        report["anchor"]!["sequence"]!.GetValue<long>().ShouldBe(taken["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task the_store_wide_check_names_every_broken_stream_a_deleted_head_and_a_deleted_stream_included()
    {
        var rewritten = await WorkedIncidentAsync("anchor-many-rewritten");
        var headless = await WorkedIncidentAsync("anchor-many-headless");
        var deleted = await WorkedIncidentAsync("anchor-many-deleted");
        var untouched = await WorkedIncidentAsync("anchor-many-untouched");
        await AnchorAsync();

        await RewriteWithTheChainKeyAsync(rewritten);
        (await ExecuteAsync("delete from incidents.mt_doc_incidentdetails where id = @id", ("id", headless))).ShouldBe(1);
        await ExecuteAsync("delete from incidents.mt_events where stream_id = @id", ("id", deleted));
        await ExecuteAsync("delete from incidents.mt_doc_incidentdetails where id = @id", ("id", deleted));
        (await ExecuteAsync("delete from incidents.mt_streams where id = @id", ("id", deleted))).ShouldBe(1);

        var (ok, findings) = await StoreCheckAsync();

        ok.ShouldBeFalse();
        string KindOf(Guid id) => findings.Single(f => f["streamId"]!.GetValue<Guid>() == id)["kind"]!.GetValue<string>();
        KindOf(rewritten).ShouldBe(FindingKinds.BrokenAnchor);
        KindOf(headless).ShouldBe(FindingKinds.BrokenChain);
        findings.Single(f => f["streamId"]!.GetValue<Guid>() == headless)["reason"]!.GetValue<string>().ShouldContain("head");
        KindOf(deleted).ShouldBe(FindingKinds.BrokenAnchor);
        findings.ShouldNotContain(f => f["streamId"]!.GetValue<Guid>() == untouched);

        // One deleted incident is reported by its own check too, not answered as unknown.
        var one = await Supervisor.GetJsonAsync($"/api/v1/incidents/{deleted}/integrity");
        one["ok"]!.GetValue<bool>().ShouldBeFalse();
        one["findings"]![0]!["reason"]!.GetValue<string>().ShouldContain("missing");
    }

    [Fact]
    public async Task a_checkpoint_is_signed_chained_to_the_one_before_and_announced_on_the_broker()
    {
        await using var probe = await BrokerProbe.BindAsync(Messaging.AnchorsExchange);
        var first = await AnchorAsync();
        var second = await AnchorAsync();

        second["sequence"]!.GetValue<long>().ShouldBe(first["sequence"]!.GetValue<long>() + 1);
        var reading = host.Services.GetRequiredService<ChainAnchors>().Read();
        reading.Problem.ShouldBeNull();
        reading.Latest!.Previous.ShouldBe(first["signature"]!.GetValue<string>());
        reading.Latest.Signature.ShouldBe(second["signature"]!.GetValue<string>());

        await Eventually.GetAsync(() => Task.FromResult(probe.Received), received => received.Any(m =>
                m.Message.GetProperty("signature").GetString() == second["signature"]!.GetValue<string>()
                && m.Message.GetProperty("previous").GetString() == first["signature"]!.GetValue<string>()
                && m.Message.GetProperty("sequence").GetInt64() == second["sequence"]!.GetValue<long>()),
            TimeSpan.FromSeconds(15), "the second checkpoint announced on incidents.anchors");
    }

    [Fact]
    public async Task a_changed_line_of_the_anchor_log_is_reported_and_no_checkpoint_is_signed_over_it()
    {
        await WorkedIncidentAsync("anchor-log");
        await AnchorAsync();
        var anchors = host.Services.GetRequiredService<ChainAnchors>();
        var path = anchors.Log.FilePath;
        var original = await File.ReadAllTextAsync(path);
        try
        {
            var lines = original.TrimEnd('\n').Split('\n');
            lines[^1].ShouldContain("\"version\":3");
            lines[^1] = lines[^1].Replace("\"version\":3", "\"version\":2");
            await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");

            var (ok, findings) = await StoreCheckAsync();
            ok.ShouldBeFalse();
            findings.ShouldContain(f => f["kind"]!.GetValue<string>() == FindingKinds.BrokenAnchorLog);
            await IncidentsClient.ShouldBeProblemAsync(await Admin.Http.PostAsync("/api/v1/integrity/anchors", null), HttpStatusCode.Conflict,
                "integrity.anchor-log-broken");
        }
        finally
        {
            await File.WriteAllTextAsync(path, original);
        }
    }

    [Fact]
    public async Task a_checkpoint_is_taken_every_interval_of_the_clock()
    {
        var anchors = host.Services.GetRequiredService<ChainAnchors>();
        var before = anchors.Read().Latest?.Sequence ?? 0;

        own.Clock.Advance(TimeSpan.FromHours(1));

        await Eventually.GetAsync(() => Task.FromResult(anchors.Read().Latest?.Sequence ?? 0), sequence => sequence > before,
            TimeSpan.FromSeconds(15), "a checkpoint taken by the schedule");
    }

    [Fact]
    public void outside_development_and_testing_the_api_refuses_to_start_without_an_anchor_key_or_an_anchor_log()
    {
        Microsoft.AspNetCore.Builder.WebApplicationBuilder Production(Dictionary<string, string?> settings)
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(
                new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(settings);
            return builder;
        }

        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Should.Throw<InvalidOperationException>(() => ChainAnchors.AddChainAnchors(Production(new() { [ChainAnchors.DirectorySetting] = "/var/lib/anchors" })))
            .Message.ShouldContain(ChainAnchors.KeysSetting);
        Should.Throw<InvalidOperationException>(() => ChainAnchors.AddChainAnchors(Production(new() { [ChainAnchors.KeysSetting + ":a1"] = key })))
            .Message.ShouldContain(ChainAnchors.DirectorySetting);
        Should.NotThrow(() => ChainAnchors.AddChainAnchors(Production(new()
        {
            [ChainAnchors.KeysSetting + ":a1"] = key,
            [ChainAnchors.DirectorySetting] = "/var/lib/anchors",
        })));
    }
}
