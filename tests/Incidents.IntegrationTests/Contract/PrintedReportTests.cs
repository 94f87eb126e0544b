using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Contract;

/// <summary>
/// The printed monthly and acceptance reports as a reader sees them: Chinese unless English is asked for, Beijing times in
/// one format with the zone named, statuses in words, chart values printed as text, excluded outage time listed with its
/// reason, user text inert, and valid HTML (parsed strictly).
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class PrintedReportTests(SlaFixture sla)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private TestClock Clock => sla.Clock;

    private IncidentsClient Supervisor => sla.Client("sup-01", "Liu Yang", "supervisor");

    private static string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Shanghai).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private async Task<string> HtmlAsync(string path, string? acceptLanguage = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var response = await Supervisor.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        // Strict parsing throws on any HTML5 parse error: the page is valid HTML.
        new HtmlParser(new HtmlParserOptions { IsStrictMode = true }).ParseDocument(html).ShouldNotBeNull();
        return html;
    }

    [Fact]
    public async Task the_monthly_report_prints_in_chinese_with_beijing_times_worded_statuses_value_labels_and_the_excluded_maintenance()
    {
        var system = $"print-{Guid.NewGuid():N}";
        var starts = Clock.Now + TimeSpan.FromDays(2);
        var announce = await sla.Client("admin-01", "Ma Lin", "admin").Http.PostAsJsonAsync("/api/v1/maintenance-windows", new
        {
            title = "数据库升级 <script>alert(1)</script>",
            reason = "[点此](javascript:alert(1)) 小版本升级",
            systems = new[] { system },
            starts,
            ends = starts + TimeSpan.FromHours(2),
        });
        announce.StatusCode.ShouldBe(HttpStatusCode.Created, await announce.Content.ReadAsStringAsync());
        var windowId = (await IncidentsClient.ReadJsonAsync(announce))["id"]!.GetValue<Guid>();
        (await sla.Client("buyer-01", "Zhou Min", "purchaser").Http.PostAsJsonAsync($"/api/v1/maintenance-windows/{windowId}/approve", new { }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        Clock.MoveTo(starts + TimeSpan.FromMinutes(10));
        var desk = sla.Client();
        var outage = await desk.ReportOutageAsync(system);
        var reportedAt = Clock.Now;
        await desk.StepOkAsync(outage, "acknowledge");
        Clock.Advance(TimeSpan.FromMinutes(50));
        await desk.StepOkAsync(outage, "restore", new { summary = "升级完成" });
        var month = TimeZoneInfo.ConvertTime(Clock.Now, Shanghai).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var zh = await HtmlAsync($"/api/v1/reports/monthly/{month}.html?system={system}");
        zh.ShouldContain("<html lang=\"zh-CN\">");
        zh.ShouldContain("北京时间（Asia/Shanghai，UTC+08:00）");
        zh.ShouldContain("月度运维服务报告");
        zh.ShouldContain(Local(reportedAt), Case.Sensitive, "the outage's report time, in Beijing time");
        zh.ShouldNotContain(reportedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        zh.ShouldContain("计划内维护（采购人已批准）");
        zh.ShouldContain("50分钟", Case.Sensitive, "the excluded time and the outage's time to restore, in words");
        zh.ShouldContain("系统可用性");
        zh.ShouldContain("<td>达标</td>");
        zh.ShouldContain("<text class=\"value\"", Case.Sensitive, "bar values are printed as text, not only tooltips");
        zh.Split("<title>").Length.ShouldBe(2, "one page title, no SVG tooltips");
        zh.ShouldContain("Noto Sans CJK SC");
        zh.ShouldNotContain("<script>");
        zh.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        zh.ShouldNotContain("href=");

        var en = await HtmlAsync($"/api/v1/reports/monthly/{month}.html?system={system}&lang=en");
        en.ShouldContain("<html lang=\"en\">");
        en.ShouldContain("Beijing time (Asia/Shanghai, UTC+08:00)");
        en.ShouldContain("Planned maintenance (approved by the purchaser)");
        en.ShouldContain("50 min");

        (await HtmlAsync($"/api/v1/reports/monthly/{month}.html?system={system}", "en-US,en;q=0.9")).ShouldContain("<html lang=\"en\">");
        (await HtmlAsync($"/api/v1/reports/monthly/{month}.html?system={system}", "zh-CN,en;q=0.5")).ShouldContain("<html lang=\"zh-CN\">");
    }

    [Fact]
    public async Task the_acceptance_report_covers_the_contract_year_and_says_what_is_not_yet_recorded_instead_of_a_number()
    {
        // Contract:StartDate is 2025-12-25 by default; the test clock is in 2031, in contract year 6 (2030-12-25 to 2031-12-24).
        var report = await Supervisor.GetJsonAsync("/api/v1/reports/acceptance/6");
        report["period"]!.GetValue<string>().ShouldBe("contract-year-6");
        report["firstDay"]!.GetValue<string>().ShouldBe("2030-12-25");
        report["lastDay"]!.GetValue<string>().ShouldBe("2031-12-24");
        report["kpis"]!.AsArray().Select(k => k!["figure"]!.GetValue<string>()).ShouldBe(
            ["availability", "fault-response-rate", "fault-resolution-rate", "user-satisfaction", "major-event-response-1-minute"]);
        report["keyAssurancePeriods"]!["evidence"]!.GetValue<string>().ShouldBe("recorded");
        report["keyAssurancePeriods"]!["required"]!.GetValue<int>().ShouldBe(4);
        var held = report["keyAssurancePeriods"]!["held"]!.GetValue<int>();
        report["keyAssurancePeriods"]!["met"]!.GetValue<bool>().ShouldBe(held >= 4);
        report["incidentReportsAccepted"]!["evidence"]!.GetValue<string>().ShouldBe("recorded");
        var accepted = report["incidentReportsAccepted"]!["held"]!.GetValue<int>();
        accepted.ShouldBeLessThanOrEqualTo(report["incidentReportsAccepted"]!["required"]!.GetValue<int>());
        report["verdict"]!.GetValue<string>().ShouldNotBe("met", "a year not over yet, with fewer than four key-assurance periods, is not accepted");
        report["monthlyReports"]!.AsArray().First()!["month"]!.GetValue<string>().ShouldBe("2030-12");
        report["monthlyReports"]!.AsArray().Last()!["month"]!.GetValue<string>().ShouldBe("2031-12");
        report["drills"]!["period"]!.GetValue<string>().ShouldBe("contract-year-6");

        var zh = await HtmlAsync("/api/v1/reports/acceptance/6.html");
        zh.ShouldContain("<html lang=\"zh-CN\">");
        zh.ShouldContain("第6合同年度服务验收报告");
        zh.ShouldContain("服务期 2030-12-25 至 2031-12-24");
        zh.ShouldContain("重保期（要求 4 次）");
        zh.ShouldContain("北京时间");
        var en = await HtmlAsync("/api/v1/reports/acceptance/6.html?lang=en");
        en.ShouldContain("Key-assurance periods (4 required)");

        var kpis = await Supervisor.GetJsonAsync("/api/v1/kpis?period=contract-year-6");
        kpis["from"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2030, 12, 24, 16, 0, 0, TimeSpan.Zero));
        kpis["to"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2031, 12, 24, 16, 0, 0, TimeSpan.Zero));
        (await Supervisor.GetJsonAsync("/api/v1/kpis?period=contract-year"))["period"]!.GetValue<string>().ShouldBe("contract-year-6");
        var compliance = await Supervisor.GetJsonAsync("/api/v1/drills/compliance?contractYear=6");
        compliance["period"]!.GetValue<string>().ShouldBe("contract-year-6");
        (await Supervisor.Http.GetAsync("/api/v1/reports/acceptance/0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Supervisor.Http.GetAsync("/api/v1/kpis?period=2031-01-01..2033-01-02")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
