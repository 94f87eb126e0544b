using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Incidents.ConsoleTests;

/// <summary>
/// The console as the desk, an engineer and a supervisor use it, in real Chromium against the real API. Waits are
/// Playwright's auto-waiting assertions with generous timeouts; nothing sleeps.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleScenarioTests(ConsoleFixture console, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Generous = new() { Timeout = 20_000 };

    [Fact]
    public async Task an_outage_reported_on_the_form_appears_on_an_open_board_and_its_acknowledge_stage_turns_met()
    {
        var system = $"console-a-{Guid.NewGuid():N}"[..30];
        var title = $"结算服务中断 {Guid.NewGuid():N}"[..20];

        // An engineer's board, open at phone width, live.
        var board = await console.SignedInAsync("responder", "eng-07", "Zhao Lei", "Cloud platform", width: 390, height: 844);
        await Expect(board.Locator("[data-live-status][data-connected=true]")).ToBeVisibleAsync(Generous);

        var desk = await console.SignedInAsync("hotline", "desk-01", "Li Na");
        await desk.GetByRole(AriaRole.Link, new() { Name = "报告事件" }).ClickAsync();

        // Sent without a title: the API's own field message shows next to the title field, and nothing is reported.
        await desk.GetByLabel("受影响系统").FillAsync(system);
        await desk.GetByLabel("类别").SelectOptionAsync("outage");
        await desk.GetByLabel("姓名").FillAsync("Wang Fang");
        await desk.GetByRole(AriaRole.Button, new() { Name = "提交报告" }).ClickAsync();
        await Expect(desk.Locator("[data-field=title]")).ToBeVisibleAsync(Generous);
        (await desk.GetByLabel("标题").GetAttributeAsync("aria-invalid")).ShouldBe("true");

        // Corrected and double-clicked: one incident (the form's idempotency key), and the desk lands on its page.
        await desk.GetByLabel("标题").FillAsync(title);
        var reported = Stopwatch.StartNew();
        await desk.GetByRole(AriaRole.Button, new() { Name = "提交报告" }).DblClickAsync();
        await desk.WaitForURLAsync(new Regex("/console/incidents/[0-9a-f-]{36}$"));

        var row = board.Locator("tr[data-incident-id]", new() { HasText = title });
        await Expect(row).ToBeVisibleAsync(Generous);
        output.WriteLine($"The board showed the new incident {reported.ElapsedMilliseconds} ms after the submit (pushed, no reload).");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("time.countdown").First).ToHaveTextAsync(new Regex(@"^\d{2}:\d{2}$"));
        using (var api = console.Api())
        {
            var stored = await api.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?system={system}");
            stored.GetProperty("total").GetInt64().ShouldBe(1, "a double click reports once");
        }

        var acknowledge = desk.Locator("tr[data-stage=acknowledge] [data-stage-status]");
        await Expect(acknowledge).ToHaveTextAsync("计时中");
        await desk.GetByRole(AriaRole.Button, new() { Name = "确认接报" }).ClickAsync();
        await Expect(acknowledge).ToHaveTextAsync("已达成", new() { Timeout = 20_000 });
        await Expect(desk.Locator("[data-incident-status]")).ToHaveTextAsync("已确认");

        // The board heard it too: the acknowledge clock is no longer among the row's running clocks.
        await Expect(row.Locator("ul.stages")).Not.ToContainTextAsync("响应确认", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task a_supervisor_opens_the_kpi_page_and_sees_this_months_incidents_charted()
    {
        await console.ReportOutageAsync($"console-b-{Guid.NewGuid():N}"[..30], "KPI page outage");

        var supervisor = await console.SignedInAsync("supervisor", "sup-01", "Liu Yang");
        await supervisor.GetByRole(AriaRole.Link, new() { Name = "KPI", Exact = true }).ClickAsync();

        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("服务 KPI");
        var incidents = int.Parse(await supervisor.Locator("[data-kpi=incidents]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        incidents.ShouldBeGreaterThanOrEqualTo(1);
        await Expect(supervisor.Locator("[data-kpi=attainment-acknowledge]")).ToBeVisibleAsync();
        var chart = supervisor.GetByRole(AriaRole.Img, new() { Name = "每日事件数与响应确认达标率" });
        await Expect(chart).ToBeVisibleAsync();
        (await chart.Locator("g[data-day]").CountAsync()).ShouldBeGreaterThanOrEqualTo(28);
        var busyDays = await chart.Locator("g[data-day]").EvaluateAllAsync<int>(
            "days => days.filter(d => Number(d.getAttribute('data-incidents')) > 0).length");
        busyDays.ShouldBeGreaterThanOrEqualTo(1);

        // The English switch, remembered for the next page.
        await supervisor.GetByRole(AriaRole.Link, new() { Name = "English", Exact = true }).ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Service KPIs");
        await supervisor.GotoAsync("/console");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Incident board");

        // A hotline user has no KPI link and the API's refusal reads plainly.
        var desk = await console.SignedInAsync("hotline", "desk-03", "Chen Jie");
        await Expect(desk.GetByRole(AriaRole.Link, new() { Name = "KPI", Exact = true })).ToHaveCountAsync(0);
        await desk.GotoAsync("/console/kpis");
        await Expect(desk.GetByRole(AriaRole.Alert)).ToContainTextAsync("KPI 仅供主管、管理员和采购人查看");
    }

    [Fact]
    public async Task when_two_people_acknowledge_the_same_incident_the_second_is_told_it_changed()
    {
        var id = await console.ReportOutageAsync($"console-c-{Guid.NewGuid():N}"[..30], "Two desks, one incident");
        var first = await console.SignedInAsync("hotline", "desk-01", "Li Na");
        var second = await console.SignedInAsync("hotline", "desk-02", "Chen Jie");
        await first.GotoAsync($"/console/incidents/{id}");
        await second.GotoAsync($"/console/incidents/{id}");
        await Expect(second.Locator("[data-incident-status]")).ToHaveTextAsync("已报告");

        await first.GetByRole(AriaRole.Button, new() { Name = "确认接报" }).ClickAsync();
        await Expect(first.Locator("tr[data-stage=acknowledge] [data-stage-status]")).ToHaveTextAsync("已达成");

        // The second page still shows version 1; the push tells them, and acting on it is refused in plain words.
        await Expect(second.Locator("#stale-banner")).ToBeVisibleAsync(Generous);
        // With the keyboard this time: focus the button and press Enter.
        await second.GetByRole(AriaRole.Button, new() { Name = "确认接报" }).FocusAsync();
        await second.Keyboard.PressAsync("Enter");
        var message = second.Locator("#action-message");
        await Expect(message).ToContainTextAsync("此事件已被他人更新", new() { Timeout = 20_000 });
        await Expect(message.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "412");

        // Reloaded, they see who acknowledged it.
        await second.ReloadAsync();
        await Expect(second.Locator("[data-incident-status]")).ToHaveTextAsync("已确认");
        await Expect(second.Locator("ol.timeline")).ToContainTextAsync("Li Na");
    }
}
