using System.Net;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.IntegrationTests.Telemetry;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// The worker's <c>/metrics</c>, read from loopback like a local Prometheus: delivery outcomes by channel, the messages it
/// drained and its queue's depth; a request relayed by a proxy needs an admin's token, as at the API.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DispatchMetricsTests(ApiFixture api, DispatchFixture dispatch) : IClassFixture<DispatchFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string Notifications = "incidents_dispatch_notifications_total";

    [Fact]
    public async Task deliveries_drained_messages_and_the_queue_depth_show_on_the_local_scrape()
    {
        var id = await api.Client().ReportOutageAsync(DispatchFixture.System("outage"));
        await dispatch.Receipts.WaitForAsync(id, r => r.Count(m => m.Message.GetProperty("outcome").GetString() == "sent") >= 2, Wait);

        // The outage rule mails the purchaser's contact and calls their generic webhook (webhook-generic-0 in the receipt).
        // MassTransit's own meter is not checked: in this test process it stops reporting once an earlier worker host
        // (DispatchTests start several) has stopped; a worker alone in its process exports it (docs/operations.md).
        await Eventually.GetAsync(() => dispatch.Operator.GetStringAsync("/metrics"), text =>
                Exposition.Sum(text, Notifications, ("channel", "email"), ("outcome", "sent")) >= 1
                && Exposition.Sum(text, Notifications, ("channel", "webhook-generic"), ("outcome", "sent")) >= 1
                && Exposition.Sum(text, "incidents_dispatch_messages_consumed_total", ("outcome", "handled")) >= 1
                && Exposition.Has(text, "incidents_dispatch_queue_messages", ("queue", dispatch.Queue))
                && Exposition.Has(text, "incidents_dispatch_queue_consumers", ("queue", dispatch.Queue)),
            Wait, "the worker's metrics");
    }

    [Fact]
    public async Task a_scrape_relayed_by_a_proxy_needs_an_admins_token()
    {
        async Task<HttpResponseMessage> ScrapeAsync(string? role)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var client = new HttpClient { BaseAddress = dispatch.Operator.BaseAddress };
            if (role is not null)
            {
                request.Headers.Authorization = new("Bearer", TestTokens.For(role, $"{role}-scraper", "Scraper"));
            }

            return await client.SendAsync(request);
        }

        var anonymous = await ScrapeAsync(null);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.Content.ReadAsStringAsync()).ShouldNotContain(Notifications);
        (await ScrapeAsync("supervisor")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ScrapeAsync("admin")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
