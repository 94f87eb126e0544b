using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Incidents.ConsoleTests;

/// <summary>
/// The real API (real PostgreSQL, a database of its own, and real RabbitMQ) listening on a real loopback Kestrel port,
/// and one headless Chromium — the Debian <c>chromium</c> package (<c>infra/chromium.sh</c>), since the Playwright browser
/// download is not reachable here — driven by Playwright. Each test opens its own browser contexts (people).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public static readonly string Database = TestServices.TestDatabase + "_console";

    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseAddress { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await TestServices.RecreateDatabaseAsync(Database);
        _factory = TestHost.Create(Database, new Dictionary<string, string>
        {
            // The console is used from this machine here, as the development rule wants (the test host allows the network).
            ["Auth:AllowDevelopmentKeyFromNetwork"] = "false",
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        BaseAddress = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using (var probe = new HttpClient { BaseAddress = new Uri(BaseAddress) })
        {
            (await probe.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // Root on CI: Chromium's sandbox needs a user namespace it does not get there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"],
        });
    }

    /// <summary>A person at their own browser (own cookies), signed in to the console with a development token for this role.</summary>
    public async Task<IPage> SignedInAsync(string role, string userId, string name, string? team = null, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("角色").SelectOptionAsync(role);
        await page.GetByLabel("用户 ID").FillAsync(userId);
        await page.GetByLabel("姓名").FillAsync(name);
        if (team is not null)
        {
            await page.GetByLabel("团队").FillAsync(team);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        // Reaching the board is enough: what the test looks at next waits for itself (locators auto-wait), whereas the page's
        // load event can be slow on a busy machine the first time the board is rendered.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console",
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        return page;
    }

    /// <summary>The API directly, with a bearer token (to set up data and to check what was really stored).</summary>
    public HttpClient Api(string role = "hotline", string userId = "desk-09", string name = "Test Desk")
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(role, userId, name));
        return client;
    }

    public async Task<Guid> ReportOutageAsync(string system, string title)
    {
        using var api = Api();
        var response = await api.PostAsJsonAsync("/api/v1/incidents", new
        {
            title, description = "Hospitals cannot submit settlements", affectedSystem = system, @class = "outage", channel = "phone",
            reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("INCIDENTS_CHROMIUM");
        foreach (var path in new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(path) && File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException("Chromium is not installed: run `bash infra/chromium.sh` (as root) or set INCIDENTS_CHROMIUM.");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
