using System.Text.Json.Nodes;
using Incidents.Api.Drills.Injecting;
using Incidents.Api.Drills.Starting;
using Incidents.Api.Escalation;
using Incidents.Api.Notifications;
using Incidents.Api.Security.Integrity;
using Incidents.Api.Sla;
using Incidents.Api.Sla.Checking;
using Incidents.Contracts;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.IntegrationTests.Drills;
using Incidents.IntegrationTests.Infrastructure;
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

    [Fact]
    public async Task receipts_checks_starts_and_injects_for_an_id_that_is_not_a_stream_of_their_kind_create_and_touch_no_stream()
    {
        using var scope = store.Factory.Services.CreateScope();
        var services = scope.ServiceProvider;
        var bus = services.GetRequiredService<IMessageBus>();
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
            await InSession(s => NotificationReceiptHandler.Handle(Receipt(unknown, outcome), s, default));
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
        await InSession(s => NotificationReceiptHandler.Handle(Receipt(drill, "sent"), s, default));
        (await store.StreamVersionAsync(drill)).ShouldBe(drillVersion);
        (await coordinator.DrillAsync(drill))["status"]!.GetValue<string>().ShouldBe("scheduled");

        // ... while a receipt for the incident is recorded, as always.
        await InSession(s => NotificationReceiptHandler.Handle(Receipt(incident, "sent"), s, default));
        (await store.StreamVersionAsync(incident)).ShouldBe(incidentVersion + 1);
    }
}
