using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Reports;

/// <summary>
/// The printed reports: valid HTML with lang="zh-CN" unless English is asked for, and every free-text field a person typed
/// inert — a script stays text and a Markdown link stays text, in HTML and in Markdown.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class PrintedReportTests(SlaFixture api)
{
    private const string Hostile = "<script>alert('x')</script> [click](http://evil.example) **bold**";

    [Fact]
    public async Task every_free_text_field_is_inert_in_html_and_markdown_and_the_html_is_valid_chinese_first()
    {
        var desk = api.Client();
        var engineer = api.Client("eng-07", "Zhao Lei", "responder", team: "Cloud platform");
        var purchaser = api.Client("buyer-01", "Wang Min", "purchaser");
        var incident = await desk.RestoredOutageAsync($"print-{Guid.NewGuid():N}"[..20], title: "Down " + Hostile, summary: "Restored " + Hostile);
        var outage = await engineer.OutageReportOfAsync(incident);
        var marked = await engineer.Http.PostAsJsonAsync($"/api/v1/incidents/{incident}/security-event", new { grade = "particularly-major" });
        var security = (await IncidentsClient.ReadJsonAsync(marked))["id"]!.GetValue<Guid>();

        foreach (var id in new[] { outage, security })
        {
            await engineer.ReportStepOkAsync(id, "sections", ReportClient.Sections("Impact " + Hostile, "Cause " + Hostile));
            await engineer.ReportStepOkAsync(id, "actions", ReportClient.Action("Action " + Hostile, "Owner " + Hostile));
            await engineer.ReportStepOkAsync(id, "actions/1/done", new { note = "Note " + Hostile });
            if (id == security)
            {
                await engineer.ReportStepOkAsync(id, "containment", new { description = "Step " + Hostile });
                await engineer.ReportStepOkAsync(id, "notices", new { recipient = "regulator", party = "Party " + Hostile[..60], channel = "Channel [a](b)", reference = "<b>ref</b>" });
            }

            await engineer.ReportStepOkAsync(id, "submit");
            await purchaser.ReportStepOkAsync(id, "return", new { comment = "Comment " + Hostile });

            var html = await GetAsync(purchaser, $"/api/v1/reports/{id}.html");
            var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = true });
            var document = parser.ParseDocument(html); // strict: throws on any parse error
            document.DocumentElement.GetAttribute("lang").ShouldBe("zh-CN");
            document.QuerySelectorAll("script").Length.ShouldBe(0);
            document.QuerySelectorAll("a").Length.ShouldBe(0);
            document.QuerySelectorAll("b").Length.ShouldBe(0);
            document.Body!.TextContent.ShouldContain("<script>alert('x')</script>");
            document.Title!.ShouldContain(id == outage ? "宕机报告" : "安全事件分析报告");

            var markdown = await GetAsync(purchaser, $"/api/v1/reports/{id}.md");
            markdown.ShouldNotContain("<script");
            markdown.ShouldNotContain("[click](");
            var rendered = new HtmlParser().ParseDocument(Markdig.Markdown.ToHtml(markdown)); // a fragment: not strict
            rendered.QuerySelectorAll("script").Length.ShouldBe(0);
            rendered.QuerySelectorAll("a").Length.ShouldBe(0);
            rendered.QuerySelectorAll("strong").Length.ShouldBe(0);
            rendered.Body!.TextContent.ShouldContain("[click](http://evil.example)");

            var english = parser.ParseDocument(await GetAsync(purchaser, $"/api/v1/reports/{id}.html?lang=en"));
            english.DocumentElement.GetAttribute("lang").ShouldBe("en");
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/{outage}.html");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN", 0.5));
        var response = await purchaser.Http.SendAsync(request);
        (await response.Content.ReadAsStringAsync()).ShouldContain("<html lang=\"en\">");
        (await purchaser.Http.GetAsync($"/api/v1/reports/{outage}.html?lang=fr")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task<string> GetAsync(IncidentsClient client, string path)
    {
        var response = await client.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }
}
