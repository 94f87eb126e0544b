using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.ConsoleTests;

/// <summary>The console's session is its own: a bearer token does not open its pages, its cookie does not open the API.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSessionTests(ConsoleFixture console)
{
    [Fact]
    public async Task a_bearer_token_alone_does_not_open_a_console_page()
    {
        using var http = Client(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("hotline", "desk-01", "Li Na"));

        var response = await http.GetAsync("/console/");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");
    }

    [Fact]
    public async Task the_console_cookie_opens_console_pages_but_never_the_api()
    {
        using var http = Client(out var cookies);
        await SignInAsync(http);
        (await http.GetAsync("/console/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var cookie = cookies.GetCookies(new Uri(new Uri(console.BaseAddress), "/console/")).Single(c => c.Name == "incidents.console");
        cookie.HttpOnly.ShouldBeTrue();
        var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/incidents");
        api.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        (await http.SendAsync(api)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task a_step_posted_without_htmx_is_refused_and_changes_nothing()
    {
        var id = await console.ReportOutageAsync($"console-s-{Guid.NewGuid():N}"[..30], "Cross-site attempt");
        using var http = Client(out _);
        await SignInAsync(http);

        var response = await http.PostAsync($"/console/incidents/{id}/acknowledge",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["version"] = "1" }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var api = console.Api();
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}")).GetProperty("status").GetString().ShouldBe("reported");
    }

    private HttpClient Client(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(console.BaseAddress),
        };
    }

    private static async Task SignInAsync(HttpClient http)
    {
        var response = await http.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["role"] = "hotline", ["userId"] = "desk-05", ["displayName"] = "Zhou Ping", ["returnUrl"] = "/console",
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }
}
