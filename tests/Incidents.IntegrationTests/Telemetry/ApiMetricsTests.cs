using System.Net;
using Incidents.Api.Telemetry;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Telemetry;
using Microsoft.AspNetCore.TestHost;

namespace Incidents.IntegrationTests.Telemetry;

/// <summary>
/// The API's <c>/metrics</c>: a Prometheus scraper on the same machine reads the domain counters without a token; a
/// remote caller needs an admin token. The test server sets the caller's address the way Kestrel would.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiMetricsTests(ApiFixture api)
{
    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    private const string Reported = "incidents_reported_total";

    private async Task<(HttpStatusCode Status, string Body)> ScrapeAsync(IPAddress from, string? role = null,
        (string Name, string Value)? header = null)
    {
        var context = await api.Factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/metrics";
            http.Connection.RemoteIpAddress = from;
            if (role is not null)
            {
                http.Request.Headers.Authorization = "Bearer " + TestTokens.For(role, $"{role}-01", "Scraper");
            }

            if (header is { } extra)
            {
                http.Request.Headers[extra.Name] = extra.Value;
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        return ((HttpStatusCode)context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    private async Task<string> LocalScrapeAsync()
    {
        var (status, body) = await ScrapeAsync(IPAddress.Loopback);
        status.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }

    [Fact]
    public async Task a_reported_incident_is_counted_by_class_and_channel_on_the_local_scrape()
    {
        (string, string)[] labels = [("class", "security-event"), ("channel", "instant-message"), ("drill", "false")];
        var before = Exposition.Sum(await LocalScrapeAsync(), Reported, labels);

        var response = await api.Client().ReportAsync(new
        {
            title = "Phishing mails to hospital staff",
            description = "Mails asking for settlement credentials",
            affectedSystem = $"metrics-{Guid.NewGuid():N}",
            @class = "security-event",
            channel = "instant-message",
            reporter = new { name = "Wang Fang" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());

        // The counter moves after the commit; the exporter may answer from its cache of a few hundred milliseconds.
        var scrape = await Eventually.GetAsync(LocalScrapeAsync, text => Exposition.Sum(text, Reported, labels) >= before + 1,
            TimeSpan.FromSeconds(10), "the reported incident in the scrape");
        scrape.ShouldContain("# TYPE incidents_reported_total counter");
    }

    [Fact]
    public async Task how_late_a_check_ran_is_a_histogram_in_seconds()
    {
        const string Count = "incidents_sla_check_lateness_seconds_count";
        var before = Exposition.Sum(await LocalScrapeAsync(), Count);

        IncidentsMetrics.CheckRan(TimeSpan.FromMilliseconds(1500));

        var scrape = await Eventually.GetAsync(LocalScrapeAsync, text => Exposition.Sum(text, Count) >= before + 1,
            TimeSpan.FromSeconds(10), "the check's lateness in the scrape");
        scrape.ShouldContain("# TYPE incidents_sla_check_lateness_seconds histogram");
        Exposition.Has(scrape, "incidents_sla_check_lateness_seconds_bucket", ("le", "2")).ShouldBeTrue();
    }

    /// <remarks>
    /// Only the meters that exist once per process are checked here. ASP.NET Core's, Marten's and Wolverine's exist once
    /// per host; the OpenTelemetry SDK merges the same-named streams of every host in this test process and drops one
    /// when any host stops, so whether they show in this host's scrape depends on the other tests.
    /// </remarks>
    [Fact]
    public async Task the_scrape_shows_npgsql_the_runtime_and_the_domain_meter()
    {
        string[] scopes = [HostTelemetry.Npgsql, "System.Runtime", IncidentsMetrics.MeterName];
        await api.Client().ReportOutageAsync($"metrics-{Guid.NewGuid():N}");

        // Npgsql's metric names changed between its versions; the meter (the scope) did not.
        await Eventually.GetAsync(LocalScrapeAsync,
            text => scopes.All(s => text.Contains($"otel_scope_name=\"{s}\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), $"samples of the meters {string.Join(", ", scopes)}");
    }

    [Fact]
    public async Task a_remote_caller_without_a_token_is_refused_with_401()
    {
        var (status, body) = await ScrapeAsync(Remote);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.ShouldNotContain(Reported);
    }

    [Fact]
    public async Task a_remote_caller_of_another_role_is_refused_with_403_and_a_remote_admin_may_scrape()
    {
        (await ScrapeAsync(Remote, "supervisor")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await ScrapeAsync(Remote, "hotline")).Status.ShouldBe(HttpStatusCode.Forbidden);

        var (status, body) = await ScrapeAsync(Remote, "admin");
        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldContain("# TYPE");
    }

    [Fact]
    public async Task a_request_a_local_proxy_relays_counts_as_remote() =>
        (await ScrapeAsync(IPAddress.Loopback, header: ("X-Forwarded-For", "203.0.113.7"))).Status.ShouldBe(HttpStatusCode.Unauthorized);
}
