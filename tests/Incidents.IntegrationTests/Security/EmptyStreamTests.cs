using System.Text.Json.Nodes;
using Incidents.Api.Clocks;
using Incidents.Api.Drills;
using Incidents.Api.Drills.Injecting;
using Incidents.Api.Drills.Starting;
using Incidents.Api.Escalation;
using Incidents.Api.Incidents;
using Incidents.Api.Notifications;
using Incidents.Api.Security.Integrity;
using Incidents.Api.Sla;
using Incidents.Api.Sla.Checking;
using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.IntegrationTests.Drills;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Projections.Incidents;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// An API host on a database of its own: these tests look at the whole store, and seed streams and tamper, which the
/// whole-store checks of other tests must not see.
/// </summary>
public abstract class IntegrityStoreFixture(string name) : IAsyncLifetime
{
    public string Database { get; } = $"{TestServices.TestDatabase}_{name}";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Factory = await TestHost.StartAsync(Database);
    }

    public IncidentsClient Client(string actorId = "desk-01", string name = "Li Na", string role = "hotline") =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role);

    public IncidentsClient Supervisor => Client("sup-01", "Liu Yang", "supervisor");

    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync() is T value2 ? value2 : default;
    }

    public Task<long?> StreamVersionAsync(Guid id) =>
        ScalarAsync<long?>("select version from incidents.mt_streams where id = @id", ("id", id));

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class EmptyStreamOriginFixture() : IntegrityStoreFixture("empty_streams");

public sealed class StoreFindingsFixture() : IntegrityStoreFixture("store_findings");

/// <summary>The whole store, page by page (every finding of every page), as a supervisor sees it.</summary>
internal static class WholeStore
{
    public static async Task<(IReadOnlyList<JsonNode> Pages, IReadOnlyList<JsonNode> Findings)> CheckAsync(IntegrityStoreFixture store,
        int limit = 2)
    {
        var pages = new List<JsonNode>();
        var path = $"/api/v1/integrity?limit={limit}";
        while (true)
        {
            var page = await store.Supervisor.GetJsonAsync(path);
            pages.Add(page);
            if (page["next"] is null)
            {
                return (pages, pages.SelectMany(p => p["findings"]!.AsArray()).Select(f => f!).ToList());
            }

            path = page["next"]!.GetValue<string>();
        }
    }

    public static string System() => $"empty-stream-{Guid.NewGuid():N}";
}

/// <summary>
/// Issue #17: an empty, typeless stream nobody created made the whole-store check cry tampering and stop. Its origin is
/// Marten's tombstone stream (written when a save that appends events fails — a lost concurrent write, which this system
/// expects and retries); no handler of ours creates a stream for an id that is not one. The check reports such a stream as
/// an empty stream, not as a broken chain, and goes on.
/// </summary>
public sealed class EmptyStreamOriginTests(EmptyStreamOriginFixture store) : IClassFixture<EmptyStreamOriginFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static object Comment(Guid id, string text) =>
        new IncidentCommentAdded(id, Guid.CreateVersion7(), text, Actor.System, DateTimeOffset.UtcNow);

    /// <summary>A comment staged the one way events reach an incident (its chain links included).</summary>
    private Task Stage(IDocumentSession session, IncidentDetails before, string text) => IncidentStream.Stage(session,
        new Wolverine.Runtime.MessageContext(store.Factory.Services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>()),
        before.Id, before, [Comment(before.Id, text)], DateTimeOffset.UtcNow, Incidents.Domain.Escalation.EscalationPolicy.None);

    [Fact]
    public async Task a_save_that_loses_a_concurrent_write_leaves_martens_empty_tombstone_stream_which_the_check_reports_as_an_empty_stream()
    {
        var id = await store.Client().ReportOutageAsync(WholeStore.System());
        var version = (await store.StreamVersionAsync(id))!.Value;

        // Two writers read the incident at the same version; the second one to commit loses, as an API step does against
        // an SLA notice or a delivery receipt (and is retried). Its failed save is where the stream comes from.
        await using (var winner = store.Store.LightweightSession())
        await using (var loser = store.Store.LightweightSession())
        {
            var seenByWinner = await winner.LoadAsync<IncidentDetails>(id);
            var seenByLoser = await loser.LoadAsync<IncidentDetails>(id);
            await Stage(winner, seenByWinner!, "first");
            await winner.SaveChangesAsync();
            await Stage(loser, seenByLoser!, "second");
            await Should.ThrowAsync<ConcurrencyException>(() => loser.SaveChangesAsync());
        }

        // Marten writes its tombstone stream in the background, under an id drawn at random once per process.
        var tombstones = Tombstone.StreamId;
        tombstones.Version.ShouldBe(4, "a random (version 4) id, like the one in the issue");
        (await Eventually.GetAsync(() => store.StreamVersionAsync(tombstones), v => v is not null, Wait, "Marten's tombstone stream"))
            .ShouldBe(0);
        (await store.ScalarAsync<string>("select type from incidents.mt_streams where id = @id", ("id", tombstones))).ShouldBeNull();
        (await store.ScalarAsync<long>("select count(*) from incidents.mt_events where stream_id = @id", ("id", tombstones))).ShouldBe(0);

        // A save that fails after its append ran leaves a tombstone event there too: still nothing of ours.
        var taken = Guid.NewGuid();
        await using (var first = store.Store.LightweightSession())
        {
            first.Insert(new IncidentChainHead { Id = taken });
            await first.SaveChangesAsync();
        }

        await using (var failing = store.Store.LightweightSession())
        {
            await Stage(failing, (await failing.LoadAsync<IncidentDetails>(id))!, "third");
            failing.Insert(new IncidentChainHead { Id = taken });
            await Should.ThrowAsync<DocumentAlreadyExistsException>(() => failing.SaveChangesAsync());
        }

        await Eventually.GetAsync(() => store.ScalarAsync<long>("select count(*) from incidents.mt_events where stream_id = @id", ("id", tombstones)),
            n => n == 1, Wait, "the tombstone of the failed save");

        // Not a tamper alarm: every chain holds, and the stream is named for what it is.
        var page = await store.Supervisor.GetJsonAsync("/api/v1/integrity?limit=5000");
        page["ok"]!.GetValue<bool>().ShouldBeTrue(page.ToJsonString());
        page["firstBroken"].ShouldBeNull();
        var (_, findings) = await WholeStore.CheckAsync(store);
        var empty = findings.ShouldHaveSingleItem($"only the tombstone stream is worth a word: {string.Join(", ", findings)}");
        empty["kind"]!.GetValue<string>().ShouldBe("empty-stream");
        empty["streamId"]!.GetValue<Guid>().ShouldBe(tombstones);
        empty["created"].ShouldNotBeNull();
        (await store.Supervisor.GetJsonAsync($"/api/v1/incidents/{id}/integrity"))["ok"]!.GetValue<bool>().ShouldBeTrue();
        await IncidentsClient.ShouldBeProblemAsync(await store.Supervisor.Http.GetAsync($"/api/v1/incidents/{tombstones}/integrity"),
            System.Net.HttpStatusCode.NotFound, "incident.not-found");
    }

    [Fact]
    public async Task receipts_checks_starts_and_injects_for_an_id_that_is_not_a_stream_of_their_kind_create_and_touch_no_stream()
    {
        using var scope = store.Factory.Services.CreateScope();
        var services = scope.ServiceProvider;
        var bus = new Wolverine.Runtime.MessageContext(services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>());
        var clock = services.GetRequiredService<TimeProvider>();
        var escalation = services.GetRequiredService<EscalationPolicyProvider>();
        var now = clock.GetUtcNow();
        var unknown = Guid.NewGuid();
        var otherUnknown = Guid.NewGuid();

        async Task InSession(Func<IDocumentSession, Task> handle)
        {
            await using var session = store.Store.LightweightSession();
            await handle(session);
        }

        NotificationAttempted Receipt(Guid id, string outcome) =>
            new(id, NotificationTriggers.IncidentOpened, 1, "purchaser-contact", "email", outcome, 1, outcome == "sent" ? null : "smtp: refused",
                false, now);

        // A receipt left on the broker by a test run or another system (sent, failed, retrying), a stale or replayed clock
        // check, a drill start and an inject for ids this store does not know.
        foreach (var outcome in new[] { "sent", "failed", "retrying" })
        {
            await InSession(s => NotificationReceiptHandler.Handle(Receipt(unknown, outcome), s, bus, clock, escalation, default));
        }

        await InSession(s => SlaCheckBatchHandler.Handle([new SlaCheckDue(unknown, now)], s, bus, clock, escalation, default));
        await InSession(s => DrillStartDueHandler.Handle(new DrillStartDue(unknown, now), s, bus, clock,
            services.GetRequiredService<SlaPolicyProvider>(), escalation, default));
        await InSession(s => DrillInjectDueHandler.Handle(new DrillInjectDue(unknown, 0, otherUnknown, now), s, bus, clock, escalation,
            services.GetRequiredService<ILogger<DrillInjectDue>>(), default));

        // An append of no events, to an unknown id and to an incident.
        var incident = await store.Client().ReportOutageAsync(WholeStore.System());
        var incidentVersion = await store.StreamVersionAsync(incident);
        await InSession(async s =>
        {
            s.Events.Append(unknown, 0L, Array.Empty<object>());
            s.Events.Append(incident, incidentVersion!.Value, Array.Empty<object>());
            await s.SaveChangesAsync();
        });

        (await store.StreamVersionAsync(unknown)).ShouldBeNull();
        (await store.StreamVersionAsync(otherUnknown)).ShouldBeNull();
        (await store.StreamVersionAsync(incident)).ShouldBe(incidentVersion);

        // A receipt naming a stream of another kind (a drill) is dropped, not appended to the drill.
        var coordinator = store.Client("drill-01", "Sun Yu", "drill-coordinator");
        var drill = await coordinator.ScheduleOkAsync(DrillClient.Plan(TestHost.DrillSystems[^1], now.AddDays(2)));
        var drillVersion = await store.StreamVersionAsync(drill);
        await InSession(s => NotificationReceiptHandler.Handle(Receipt(drill, "sent"), s, bus, clock, escalation, default));
        (await store.StreamVersionAsync(drill)).ShouldBe(drillVersion);
        (await coordinator.DrillAsync(drill))["status"]!.GetValue<string>().ShouldBe("scheduled");

        // ... while a receipt for the incident is recorded, as always.
        await InSession(s => NotificationReceiptHandler.Handle(Receipt(incident, "sent"), s, bus, clock, escalation, default));
        (await store.StreamVersionAsync(incident)).ShouldBe(incidentVersion + 1);
    }
}

/// <summary>Issue #17: the whole-store check reports every finding and goes on past each; an empty stream is not tampering.</summary>
public sealed class StoreWideFindingsTests(StoreFindingsFixture store) : IClassFixture<StoreFindingsFixture>
{
    [Fact]
    public async Task the_store_wide_check_reports_an_empty_stream_and_goes_on_to_report_a_tampered_incident_after_it()
    {
        // An empty stream as the issue found it (version 0, no type, no events, no chain), first in id order.
        var empty = Guid.Parse($"00000000-0000-4000-8000-{Guid.NewGuid():N}"[..36]);
        var created = DateTimeOffset.Parse("2026-12-02T05:09:16.49Z");
        await store.ScalarAsync<object>("insert into incidents.mt_streams (id, version, created) values (@id, 0, @created)",
            ("id", empty), ("created", created));
        var tampered = await store.Client().ReportOutageAsync(WholeStore.System());
        var sound = await store.Client().ReportOutageAsync(WholeStore.System());
        await store.ScalarAsync<object>(
            "update incidents.mt_events set data = jsonb_set(data, '{title}', '\"Nothing happened\"') where stream_id = @id and version = 1",
            ("id", tampered));

        var (pages, findings) = await WholeStore.CheckAsync(store, limit: 2);
        pages.Count.ShouldBeGreaterThan(1, "the check went on page after page");
        var mine = findings.Where(f => f!["streamId"]!.GetValue<Guid>() is var s && (s == empty || s == tampered || s == sound)).ToList();
        mine.Select(f => (f["kind"]!.GetValue<string>(), f["streamId"]!.GetValue<Guid>()))
            .ShouldBe([("empty-stream", empty), ("broken-chain", tampered)], "in id order; the sound incident has nothing to report");
        mine[0]["created"]!.GetValue<DateTimeOffset>().ShouldBe(created);
        mine[0]["reason"]!.GetValue<string>().ShouldContain("no events");
        mine[1]["version"]!.GetValue<long>().ShouldBe(1);
        mine[1]["eventType"]!.GetValue<string>().ShouldBe("IncidentReported");

        // One page: the empty stream does not stop the check; the tampered incident after it is the first broken link.
        var all = await store.Supervisor.GetJsonAsync("/api/v1/integrity?limit=5000");
        all["ok"]!.GetValue<bool>().ShouldBeFalse();
        all["firstBroken"]!["incidentId"]!.GetValue<Guid>().ShouldBe(tampered);
        all["findings"]!.AsArray()[0]!["streamId"]!.GetValue<Guid>().ShouldBe(empty);
        all["streams"]!.GetValue<int>().ShouldBe((int)(await store.ScalarAsync<long>("select count(*) from incidents.mt_streams")));

        // Streams with a chain head or a type are judged by their chain: an incident stripped of its events is not "empty".
        await store.ScalarAsync<object>("delete from incidents.mt_events where stream_id = @id", ("id", sound));
        var stripped = (await WholeStore.CheckAsync(store, limit: 5000)).Findings.Single(f => f["streamId"]!.GetValue<Guid>() == sound);
        stripped["kind"]!.GetValue<string>().ShouldBe("broken-chain");
    }

    [Fact]
    public async Task a_host_started_on_a_store_that_already_holds_an_empty_stream_starts_and_explains_it()
    {
        var empty = Guid.NewGuid();
        await store.ScalarAsync<object>("insert into incidents.mt_streams (id, version) values (@id, 0)", ("id", empty));

        // As scripts/run.sh starts the API on a development database that holds one.
        await using var restarted = await TestHost.StartAsync(store.Database);
        var supervisor = IncidentsClient.For(restarted.CreateClient(), "sup-01", "Liu Yang", "supervisor");
        var page = await supervisor.GetJsonAsync("/api/v1/integrity?limit=5000");
        var finding = page["findings"]!.AsArray().Single(f => f!["streamId"]!.GetValue<Guid>() == empty)!;
        finding["kind"]!.GetValue<string>().ShouldBe("empty-stream");
        finding["reason"]!.GetValue<string>().ShouldContain("not a sign of tampering");
    }
}
