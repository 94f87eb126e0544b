using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Incidents.Api.Security.Integrity;
using Incidents.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// The chain holds against someone who can write to the database (issue #14): they can change an event and recompute
/// plain SHA-256 links, or forge links in the keyed format with a key of their own, and change the chain head to match;
/// verification still names the first event they touched. Metadata (correlation id, causation id, user) is sealed too.
/// </summary>
/// <remarks>
/// A database and host of its own: the tampering here must not show in the whole-store checks of other tests.
/// </remarks>
public sealed class KeyedChainTests(KeyedChainTests.OwnHost own) : IClassFixture<KeyedChainTests.OwnHost>
{
    private static string Database => TestServices.TestDatabase + "_keyed";

    /// <summary>One host on a database of its own for the class.</summary>
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

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host => own.Factory;

    private IncidentsClient Supervisor => IncidentsClient.For(host.CreateClient(), "sup-01", "Liu Yang", "supervisor");

    private static Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        TestServices.ExecuteOnAsync(Database, sql, parameters);

    private async Task<JsonNode> IntegrityOfAsync(Guid id) => await Supervisor.GetJsonAsync($"/api/v1/incidents/{id}/integrity");

    private async Task<Guid> WorkedIncidentAsync(string prefix)
    {
        var desk = IncidentsClient.For(host.CreateClient());
        var id = await desk.ReportOutageAsync($"{prefix}-{Guid.NewGuid():N}");
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "comments", new { text = "Called the hospital back" });
        return id;
    }

    /// <summary>
    /// What an insider with database access can do: rewrite the reporter's title, then recompute every link after it with
    /// <paramref name="link"/> and store the new links and the new head, so that the chain is consistent again.
    /// </summary>
    private async Task RewriteAndRelinkAsync(Guid id, Func<string, Guid, long, string, object, string> link)
    {
        (await ExecuteAsync(
            "update incidents.mt_events set data = jsonb_set(data, '{title}', '\"Nothing happened\"') where stream_id = @id and version = 1",
            ("id", id))).ShouldBe(1);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var previous = EventChain.Genesis;
        foreach (var e in await session.Events.FetchStreamAsync(id))
        {
            previous = link(previous, id, e.Version, EventChain.TypeName(e), e.Data);
            await ExecuteAsync(
                "update incidents.mt_events set headers = jsonb_set(headers, '{chain-hash}', to_jsonb(@hash::text)) where stream_id = @id and version = @v",
                ("hash", previous), ("id", id), ("v", e.Version));
        }

        (await ExecuteAsync(
            "update incidents.mt_doc_incidentdetails set data = jsonb_set(data, '{chainHash}', to_jsonb(@hash::text)) where id = @id",
            ("hash", previous), ("id", id))).ShouldBe(1);
    }

    [Fact]
    public async Task an_event_rewritten_with_recomputed_sha256_links_and_head_is_still_found()
    {
        var id = await WorkedIncidentAsync("rehash-sha");
        (await IntegrityOfAsync(id))["ok"]!.GetValue<bool>().ShouldBeTrue();

        await RewriteAndRelinkAsync(id, EventChain.ComputeUnkeyed);

        var report = await IntegrityOfAsync(id);
        report["ok"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        report["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(1);
        report["firstBroken"]!["reason"]!.GetValue<string>().ShouldContain("without a key");
    }

    [Fact]
    public async Task an_event_rewritten_with_links_forged_under_the_active_key_id_but_another_secret_is_still_found()
    {
        var id = await WorkedIncidentAsync("rehash-forged");
        var forger = new ChainKeyring(EventChain.Keys.ActiveId,
            new Dictionary<string, byte[]> { [EventChain.Keys.ActiveId] = RandomNumberGenerator.GetBytes(32) });

        await RewriteAndRelinkAsync(id, (previous, stream, version, type, data) =>
            EventChain.Compute(forger, forger.ActiveId, previous, stream, version, type, data)!);

        var report = await IntegrityOfAsync(id);
        report["ok"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        report["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task changed_metadata_of_an_event_breaks_its_seal()
    {
        var id = await WorkedIncidentAsync("reseal");
        (await ExecuteAsync(
            "update incidents.mt_events set correlation_id = 'made-up' where stream_id = @id and version = 2", ("id", id))).ShouldBe(1);

        var report = await IntegrityOfAsync(id);
        report["ok"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        report["firstBroken"]!["version"]!.GetValue<long>().ShouldBe(2);
        report["firstBroken"]!["reason"]!.GetValue<string>().ShouldContain("metadata");
    }

    [Fact]
    public void links_made_before_a_key_rotation_still_verify_and_new_links_name_the_new_key()
    {
        var old = RandomNumberGenerator.GetBytes(32);
        var before = new ChainKeyring("k1", new Dictionary<string, byte[]> { ["k1"] = old });
        var after = new ChainKeyring("k2", new Dictionary<string, byte[]> { ["k1"] = old, ["k2"] = RandomNumberGenerator.GetBytes(32) });
        var stream = Guid.NewGuid();
        var data = new { title = "Settlement service down" };

        var first = EventChain.Compute(before, before.ActiveId, EventChain.Genesis, stream, 1, "IncidentReported", data)!;
        first.ShouldStartWith("k1:");
        EventChain.Compute(after, EventChain.KeyIdOf(first)!, EventChain.Genesis, stream, 1, "IncidentReported", data).ShouldBe(first);
        EventChain.Compute(after, after.ActiveId, first, stream, 2, "IncidentAcknowledged", data)!.ShouldStartWith("k2:");
        EventChain.Compute(before, "k2", first, stream, 2, "IncidentAcknowledged", data).ShouldBeNull("a ring without k2 cannot check k2 links");
    }

    [Fact]
    public void keys_are_required_outside_development_and_must_be_long_enough()
    {
        var none = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        Should.Throw<InvalidOperationException>(() => ChainKeyring.FromConfiguration(none, "Production")).Message.ShouldContain("Integrity:ChainKeys");
        ChainKeyring.FromConfiguration(none, "Development").ActiveId.ShouldBe(ChainKeyring.DevelopmentKeyId);

        var shortKey = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Integrity:ChainKeys:k1"] = Convert.ToBase64String(new byte[16]) }).Build();
        Should.Throw<InvalidOperationException>(() => ChainKeyring.FromConfiguration(shortKey, "Production")).Message.ShouldContain("32");
    }
}
