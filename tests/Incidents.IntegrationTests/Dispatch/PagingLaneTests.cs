using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// Issue #16: pages travel in their own lane and never wait behind bulk; a notice whose moment has passed is receipted as
/// superseded, not sent late; every receipt says how late it was, and a late one is itself announced to the on-duty
/// engineer. Through a real SMTP server process.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PagingLaneTests(ApiFixture api, PagingLaneFixture lane) : IClassFixture<PagingLaneFixture>
{
    private const int Bulk = 10_000;

    /// <summary>Generous: the backlog drains at several hundred a second on a quiet machine, ~50 a second at load 40 on 2 cores (seen).</summary>
    private static readonly TimeSpan DrainWait = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task An_outage_is_paged_within_5_seconds_behind_10000_queued_bulk_notices_and_a_stale_warning_is_superseded()
    {
        // 10,000 SLA warnings (bulk) for other incidents, each one a mail, queued before the outage is reported.
        var now = DateTimeOffset.UtcNow;
        await lane.SendRawAsync(lane.Queue, nameof(IncidentSlaWarning), Enumerable.Range(0, Bulk).Select(i => new IncidentSlaWarning(
            Guid.NewGuid(), $"bulk {i}", "fault", PagingLaneFixture.System, false, "restore", 0.8, now.AddHours(1), now, 3)));

        var id = await api.Client().ReportOutageAsync(PagingLaneFixture.System);
        // From the instant the API recorded the report (the event's time; a cold API host may take a while to answer).
        var reporting = (await api.Client().GetAsync(id))["reportedAt"]!.GetValue<DateTimeOffset>();

        // (An outage's escalation chain may page its level 1 too; the rule's page is the one to wait for.)
        var page = (await Eventually.GetAsync(() => Task.FromResult(lane.Smtp.For(id)),
            m => m.Any(x => x.Trigger == NotificationTriggers.IncidentOpened), TimeSpan.FromSeconds(5),
            "the outage's first page, within 5 s of its report")).First(m => m.Trigger == NotificationTriggers.IncidentOpened);
        page.To.ShouldBe("purchaser@example.org");
        var opened = (await lane.Receipts.WaitForAsync(id, r => r.Any(IsOpened))).First(IsOpened).Message;
        (page.At - reporting).ShouldBeLessThan(TimeSpan.FromSeconds(5), $"reported {reporting:O}, receipt {opened}, mail {page.At:O}");
        lane.Smtp.Mails.Count(m => m.Trigger == NotificationTriggers.SlaWarning).ShouldBeLessThan(Bulk,
            "the page went out while bulk notices were still waiting");

        var receipt = (await lane.Receipts.WaitForAsync(id, r => r.Any(IsOpened))).First(IsOpened).Message;
        receipt.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Sent);
        var lag = LagOf(receipt);
        lag.ShouldBeLessThan(TimeSpan.FromSeconds(5), "the receipt records the delay from the report to the delivery");

        // The incident is acknowledged (paging lane); a warning of its acknowledge stage, announced before that at
        // version 1, arrives behind the bulk: its moment has passed, so it is recorded as superseded and not mailed.
        var engineer = api.Client("eng-07", "Zhao Lei", "responder,hotline");
        (await engineer.StepAsync(id, "acknowledge")).IsSuccessStatusCode.ShouldBeTrue();
        await Eventually.GetAsync(
            () => TestServices.ScalarAsync<long>("select count(*) from dispatch_progress where incident_id = @id and fact = 'met:acknowledge'",
                ("id", id)),
            n => n == 1, TimeSpan.FromSeconds(15), "the worker learning of the acknowledgement");
        await lane.SendRawAsync(lane.Queue, nameof(IncidentSlaWarning), [new IncidentSlaWarning(id, "stale", "outage",
            PagingLaneFixture.System, false, "acknowledge", 0.8, reporting.AddMinutes(5), reporting.AddMinutes(4), 1)]);

        var superseded = (await lane.Receipts.WaitForAsync(id,
                r => r.Any(m => m.Message.GetProperty("trigger").GetString() == NotificationTriggers.SlaWarning), DrainWait))
            .Single(m => m.Message.GetProperty("trigger").GetString() == NotificationTriggers.SlaWarning).Message;
        superseded.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Superseded);
        superseded.GetProperty("reason").GetString()!.ShouldStartWith("the acknowledge stage was met");
        lane.Smtp.For(id).ShouldNotContain(m => m.Trigger == NotificationTriggers.SlaWarning, "a superseded warning is not sent");
        (await TestServices.ScalarAsync<string>(
                "select outcome from dispatch_deliveries where incident_id = @id and delivery_key like '%:sla-warning:%'", ("id", id)))
            .ShouldBe(NotificationOutcomes.Superseded);
    }

    [Fact]
    public async Task A_notification_sent_more_than_a_minute_after_its_event_is_announced_to_the_on_duty_engineer()
    {
        var id = Guid.NewGuid();
        var reportedAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        await lane.SendRawAsync(lane.PagesQueue, nameof(IncidentOpened), [new IncidentOpened(id, "Reported two minutes ago",
            PagingLaneFixture.System, "outage", "phone", false, null, reportedAt, new ActorInfo("desk-01", "Li Na"), 1)]);

        var mails = await Eventually.GetAsync(() => Task.FromResult(lane.Smtp.For(id)), m => m.Count >= 2, TimeSpan.FromSeconds(30),
            "the late page and the alert about it");
        mails.ShouldContain(m => m.To == "purchaser@example.org" && m.Trigger == NotificationTriggers.IncidentOpened);
        mails.ShouldContain(m => m.To == "duty@example.org" && m.Trigger == NotificationTriggers.DispatchLagging);

        var receipts = await lane.Receipts.WaitForAsync(id, r => r.Count >= 2);
        var late = receipts.Single(r => r.Message.GetProperty("trigger").GetString() == NotificationTriggers.IncidentOpened).Message;
        LagOf(late).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMinutes(2));
    }

    private static bool IsOpened(BrokerMessage receipt) =>
        receipt.Message.GetProperty("trigger").GetString() == NotificationTriggers.IncidentOpened;

    private static TimeSpan LagOf(System.Text.Json.JsonElement receipt) =>
        TimeSpan.Parse(receipt.GetProperty("lag").GetString()!, global::System.Globalization.CultureInfo.InvariantCulture);
}
