using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.Api.Duty.HandOffs;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using netDumbster.smtp;
using Wolverine;

namespace Incidents.IntegrationTests.OnCall;

/// <summary>
/// An API host on its own database and the test clock, and a notification worker in-process beside it (its own queues on
/// the test vhost) mailing to an in-process SMTP server: a hand-off goes all the way from the roster to a mailbox and back.
/// </summary>
public sealed class HandOffFixture : IAsyncLifetime
{
    public static string Database => TestServices.TestDatabase + "_handoffs";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    private WebApplication _worker = null!;

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        Factory = await TestHost.StartAsync(Database, new Dictionary<string, string>(), Clock.Time);
        Clock.Attach(Factory, Database);

        Smtp = netDumbster.smtp.Configuration.Configure().WithRandomPort().Build();
        var queue = $"incidents.dispatch.{Database}";
        _worker = DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
                ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
                ["ConnectionStrings:Dispatch"] = TestServices.ConnectionStringFor(Database),
                ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
                ["Dispatch:Queue"] = queue,
                ["Dispatch:PagesQueue"] = queue + ".pages",
                ["Dispatch:Smtp:Host"] = "127.0.0.1",
                ["Dispatch:Smtp:ReuseConnections"] = "false",
                ["Dispatch:Smtp:Port"] = Smtp.Configuration.Port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _worker.StartAsync();
    }

    public IncidentsClient Client(string role, string actorId = "user-01", string name = "Test User") =>
        IncidentsClient.For(Factory.CreateClient(), actorId, name, role);

    public IncidentsClient Admin => Client("admin", "admin-01", "Ma Lin");

    public IMessageBus Bus => Factory.Services.GetRequiredService<IMessageBus>();

    /// <summary>Mails received about a hand-off (the worker's X-Incident-Id header names the hand-off), parsed.</summary>
    public IReadOnlyList<MimeMessage> MailsFor(Guid handOffId) => Smtp.ReceivedEmail
        .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))
        .Where(m => m.Headers["X-Incident-Id"] == handOffId.ToString())
        .ToList();

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync();
            await _worker.DisposeAsync();
        }

        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        Smtp?.Dispose();
    }
}

/// <summary>Issue #11 item 6: at each shift change the incoming person is told what is open, and the notice is receipted.</summary>
public sealed class HandOffTests(HandOffFixture fixture) : IClassFixture<HandOffFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private TestClock Clock => fixture.Clock;

    [Fact]
    public async Task at_the_shift_change_the_incoming_person_is_mailed_the_open_count_and_the_worst_time_left_and_the_receipt_is_recorded()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var ann = await PersonAsync($"ann-{tag}", "安娜");
        var bob = await PersonAsync($"bob-{tag}", "包博");

        // Hourly shifts from midnight (Beijing) today: ann on even hours since the anchor, bob on odd ones.
        var local = Clock.Now.ToOffset(Beijing);
        var today = DateOnly.FromDateTime(local.DateTime);
        var roster = await OkAsync(await fixture.Admin.Http.PostAsJsonAsync("/api/v1/rosters", new
        {
            name = $"夜间值班 {tag}",
            layers = new[]
            {
                new { name = "desk", rotation = "custom", shiftLength = "PT1H", handOff = "00:00", members = new[] { ann, bob },
                    days = "every", startsOn = today.ToString("yyyy-MM-dd") },
            },
        }), HttpStatusCode.Created);
        var rosterId = roster["id"]!.GetValue<Guid>();
        var anchor = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), Beijing);
        var boundary = anchor.AddHours(Math.Floor((Clock.Now - anchor).TotalHours) + 1).ToUniversalTime();
        var incoming = (long)(boundary - anchor).TotalHours % 2 == 0 ? ann : bob;
        var outgoing = incoming == ann ? bob : ann;

        // The first hand-off is armed with the roster.
        (await Clock.PendingAsync(rosterId)).Select(p => p.Message).ShouldBe([new RosterHandOffDue(rosterId, boundary)]);

        // An outage two minutes before the hand-off: 3 of its 5 minutes to acknowledge are left at the hand-off.
        Clock.MoveTo(boundary.AddMinutes(-2));
        var incident = await fixture.Client("hotline", "desk-01", "Li Na").ReportOutageAsync($"handoff-{tag}");

        await Clock.RunDueAsync(boundary, rosterId);

        var handOff = (await HandOffsAsync(rosterId, boundary)).ShouldHaveSingleItem()!;
        handOff["at"]!.GetValue<DateTimeOffset>().ShouldBe(boundary);
        handOff["from"]!.GetValue<string>().ShouldBe(outgoing);
        handOff["to"]!.GetValue<string>().ShouldBe(incoming);
        handOff["reason"]!.GetValue<string>().ShouldBe("rotation");
        handOff["openIncidents"]!.GetValue<int>().ShouldBe(1);
        handOff["notified"]!.GetValue<bool>().ShouldBeTrue();
        var worst = handOff["worst"]!;
        worst["incidentId"]!.GetValue<Guid>().ShouldBe(incident);
        worst["stage"]!.GetValue<string>().ShouldBe("acknowledge");
        worst["breached"]!.GetValue<bool>().ShouldBeFalse();
        worst["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(boundary.AddMinutes(3));
        var handOffId = handOff["id"]!.GetValue<Guid>();

        // The worker mails the incoming person, in Chinese, in Beijing time with the zone named.
        var mail = (await Eventually.GetAsync(() => Task.FromResult(fixture.MailsFor(handOffId)), m => m.Count >= 1, Wait, "the hand-off mail"))
            .ShouldHaveSingleItem();
        mail.To.Mailboxes.Single().Address.ShouldBe($"{incoming}@example.org");
        mail.Subject.ShouldBe($"【交接班】夜间值班 {tag}：{(incoming == ann ? "安娜" : "包博")} 接班，在办事件 1 起");
        mail.TextBody!.ShouldContain($"交接时间：{boundary.ToOffset(Beijing):yyyy-MM-dd HH:mm:ss}（UTC+08:00，Asia/Shanghai）");
        mail.TextBody!.ShouldContain("在办事件：1 起");
        mail.TextBody!.ShouldContain($"handoff-{tag}「");
        mail.TextBody!.ShouldContain("响应剩余 3 分钟");

        // Its receipt comes back and is recorded on the hand-off, which stays tamper-evident.
        var delivered = await Eventually.GetAsync(() => HandOffsAsync(rosterId, boundary),
            h => h.Count == 1 && h[0]!["deliveries"]!.AsArray().Any(d => d!["outcome"]!.GetValue<string>() == "delivered"), Wait, "the receipt");
        var delivery = delivered[0]!["deliveries"]!.AsArray().ShouldHaveSingleItem()!;
        (delivery["recipient"]!.GetValue<string>(), delivery["channel"]!.GetValue<string>()).ShouldBe(($"person:{incoming}", "email"));
        var integrity = await fixture.Client("supervisor", "sup-01", "Liu Yang").GetJsonAsync($"/api/v1/incidents/{handOffId}/integrity");
        integrity["ok"]!.GetValue<bool>().ShouldBeTrue();

        // Timers are hints: the same hint again, or one at an instant that is no longer a shift change, records nothing; the
        // roster's next hand-off is armed once.
        await fixture.Bus.InvokeAsync(new RosterHandOffDue(rosterId, boundary));
        await fixture.Bus.InvokeAsync(new RosterHandOffDue(rosterId, boundary.AddMinutes(30)));
        (await HandOffsAsync(rosterId, boundary)).Count.ShouldBe(1);
        (await Clock.PendingAsync(rosterId)).Select(p => p.Message).ShouldBe([new RosterHandOffDue(rosterId, boundary.AddHours(1))]);
        fixture.MailsFor(handOffId).Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_roster_change_re_arms_its_next_hand_off_and_the_stale_hint_does_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var cai = await PersonAsync($"cai-{tag}", "蔡");
        var dan = await PersonAsync($"dan-{tag}", "丹");
        var local = Clock.Now.ToOffset(Beijing);
        var today = DateOnly.FromDateTime(local.DateTime);
        var roster = await OkAsync(await fixture.Admin.Http.PostAsJsonAsync("/api/v1/rosters", new
        {
            name = $"白班 {tag}",
            layers = new[]
            {
                new { name = "desk", rotation = "custom", shiftLength = "PT1H", handOff = "00:00", members = new[] { cai, dan },
                    days = "every", startsOn = today.ToString("yyyy-MM-dd") },
            },
        }), HttpStatusCode.Created);
        var rosterId = roster["id"]!.GetValue<Guid>();
        var first = (await Clock.PendingAsync(rosterId)).ShouldHaveSingleItem().At;

        // From now on cai alone: the roster never changes hands again within the horizon, so the hint is a re-check.
        var changed = await fixture.Admin.Http.PostAsJsonAsync($"/api/v1/rosters/{rosterId}/schedule-changes", new
        {
            layers = new[] { new { name = "desk", rotation = "daily", handOff = "00:00", members = new[] { cai }, days = "every",
                startsOn = today.ToString("yyyy-MM-dd") } },
        });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        var pending = (await Clock.PendingAsync(rosterId)).Select(p => p.Message).ToList();
        pending.ShouldContain(new RosterHandOffDue(rosterId, first));
        pending.OfType<RosterHandOffDue>().ShouldContain(d => d.Recheck);

        await Clock.RunDueAsync(first, rosterId);

        (await HandOffsAsync(rosterId, first)).ShouldBeEmpty("the old hint's instant is no longer a shift change");
    }

    private async Task<JsonArray> HandOffsAsync(Guid rosterId, DateTimeOffset around) =>
        (await fixture.Client("responder", "eng-01", "Zhao Lei").GetJsonAsync($"/api/v1/rosters/{rosterId}/handoffs" +
            $"?from={Uri.EscapeDataString(around.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(around.AddHours(1).ToString("O"))}"))
        ["handOffs"]!.AsArray();

    private async Task<string> PersonAsync(string id, string name)
    {
        var response = await fixture.Admin.Http.PostAsJsonAsync("/api/v1/people", new
        {
            id, name, team = "Cloud platform", roles = new[] { "duty-engineer" }, contacts = new { email = $"{id}@example.org" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    private static async Task<JsonNode> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }
}
