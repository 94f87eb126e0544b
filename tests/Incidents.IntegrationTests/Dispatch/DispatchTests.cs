using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Incidents.Contracts;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// Issue #4: the API's events reach the notification worker through Wolverine's MassTransit interop; the worker mails,
/// calls webhooks, reports every attempt, never notifies twice and retries transient failures a bounded number of times.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DispatchTests(ApiFixture api, DispatchFixture dispatch) : IClassFixture<DispatchFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_outage_reported_on_the_API_is_mailed_and_posted_to_a_signed_webhook_and_receipted()
    {
        var id = await api.Client().ReportOutageAsync(DispatchFixture.System("outage"));

        var mails = await Eventually.GetAsync(() => Task.FromResult(dispatch.MailsFor(id)), m => m.Count >= 1, Wait, "the mail");
        var mail = mails.ShouldHaveSingleItem();
        mail.To.Mailboxes.Single().Address.ShouldBe("purchaser@example.org");
        mail.Subject.ShouldStartWith($"【新事件】服务中断 - {DispatchFixture.System("outage")}：");
        mail.Subject.ShouldNotContain(Templates.DrillMark);
        mail.TextBody!.ShouldContain($"/api/v1/incidents/{id}");
        mail.TextBody!.ShouldContain("状态：计时中，待响应");
        mail.TextBody!.ShouldContain("（UTC+08:00，Asia/Shanghai）", Case.Sensitive, "times are in the service's time zone, named");

        var call = await Eventually.GetAsync(() => Task.FromResult(dispatch.Webhooks.Where(w => w.Path == "/ok" && w.Body.Contains(id.ToString())).ToList()),
            c => c.Count >= 1, Wait, "the webhook");
        var hook = call.ShouldHaveSingleItem();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DispatchFixture.WebhookSecret),
            Encoding.UTF8.GetBytes(hook.Body)));
        hook.Signature.ShouldBe(expected);
        JsonDocument.Parse(hook.Body).RootElement.GetProperty("trigger").GetString().ShouldBe("incident-opened");

        var receipts = await dispatch.Receipts.WaitForAsync(id, r => r.Count(m => m.Message.GetProperty("outcome").GetString() == "sent") >= 2, Wait);
        receipts.ShouldAllBe(r => r.MessageType == "urn:message:Incidents.Contracts:NotificationAttempted");
        receipts.Where(r => r.Message.GetProperty("outcome").GetString() == "sent").Select(r => r.Message.GetProperty("channel").GetString())
            .ShouldBe(["email", "webhook-generic-0"], ignoreOrder: true);

        // The API records the receipts in the incident's stream: the timeline shows them, the chain still verifies.
        var timeline = await Eventually.GetAsync(() => api.Client().GetJsonAsync($"/api/v1/incidents/{id}/timeline"),
            t => t["entries"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "notification-delivered") >= 2, Wait, "the receipts in the timeline");
        var delivered = timeline["entries"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "notification-delivered").ToList();
        delivered.Select(e => e!["summary"]!.GetValue<string>()).ShouldContain("Notified purchaser-contact by email of incident opened (attempt 1)");
        delivered.ShouldAllBe(e => e!["by"]!["id"]!.GetValue<string>() == "incidents-dispatch");
        var integrity = await api.Client("sup-01", "Liu Yang", "supervisor").GetJsonAsync($"/api/v1/incidents/{id}/integrity");
        integrity["ok"]!.GetValue<bool>().ShouldBeTrue();

        // A step with the ETag seen before the receipts still succeeds: receipts do not make a user's view stale.
        var engineer = api.Client("eng-07", "Zhao Lei", "responder");
        (await engineer.StepAsync(id, "acknowledge", ifMatch: 1)).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task A_supervisor_sees_who_was_told_of_each_change_on_which_channel_and_what_failed()
    {
        var desk = api.Client();
        var response = await desk.ReportAsync(new
        {
            title = "Claims database I/O errors",
            affectedSystem = DispatchFixture.System("fault"),
            @class = "fault",
            channel = "monitoring",
            reporter = new { name = "Zabbix" },
        });
        response.EnsureSuccessStatusCode();
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        var supervisor = api.Client("sup-01", "Liu Yang", "supervisor");

        // The fault rule pages a WeCom robot that answers 503: two retries, then failed.
        var told = await Eventually.GetAsync(() => supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications"),
            n => n["announcements"]![0]!["deliveries"]!.AsArray().Any(d => d!["outcome"]!.GetValue<string>() == "failed"), Wait,
            "the failed delivery");
        var opened = told["announcements"]![0]!;
        (opened["version"]!.GetValue<long>(), opened["trigger"]!.GetValue<string>()).ShouldBe((1L, "incident-opened"));
        var delivery = opened["deliveries"]!.AsArray().ShouldHaveSingleItem()!;
        delivery["recipient"]!.GetValue<string>().ShouldBe("flaky-robot");
        delivery["channel"]!.GetValue<string>().ShouldBe("webhook-wecom-0");
        delivery["attempts"]!.GetValue<int>().ShouldBe(3);
        delivery["deliveredAt"].ShouldBeNull();
        delivery["lastFailure"]!.GetValue<string>().ShouldBe("retries exhausted: http 503");

        // After a step, the acknowledgement is an announcement of its own that nobody was told of (no rule).
        (await api.Client("eng-07", "Zhao Lei", "responder,hotline").StepAsync(id, "acknowledge")).IsSuccessStatusCode.ShouldBeTrue();
        var all = await supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications");
        all["announcements"]!.AsArray().Select(a => a!["trigger"]!.GetValue<string>()).ShouldBe(["incident-opened", "acknowledged"]);
        all["announcements"]![1]!["deliveries"]!.AsArray().ShouldBeEmpty();
        (await supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications?recipient=purchaser-contact"))["announcements"]!.AsArray().ShouldBeEmpty();
        (await supervisor.GetJsonAsync($"/api/v1/incidents/{id}/notifications?trigger=acknowledged"))["announcements"]!.AsArray().Count.ShouldBe(1);

        await IncidentsClient.ShouldBeProblemAsync(await supervisor.Http.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/notifications"),
            System.Net.HttpStatusCode.NotFound, "incident.not-found");
        (await supervisor.Http.GetAsync($"/api/v1/incidents/{id}/notifications?recipient=%00")).StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_drill_message_is_marked_and_a_redelivered_message_notifies_once()
    {
        var id = Guid.NewGuid();
        var opened = new IncidentOpened(id, "Drill: settlement down", DispatchFixture.System("drill"), "outage", "phone", true, Guid.NewGuid(),
            DateTimeOffset.UtcNow, new ActorInfo("desk-01", "Li Na"), 1);
        var messageId = Guid.NewGuid();
        var copyId = Guid.NewGuid();
        await dispatch.SendRawAsync(nameof(IncidentOpened), opened, messageId);
        await dispatch.SendRawAsync(nameof(IncidentOpened), opened, messageId);
        // A copy with another message id (the API announcing the same change again) is also recognised.
        await dispatch.SendRawAsync(nameof(IncidentOpened), opened, copyId);

        await dispatch.Receipts.WaitForAsync(id, r => r.Count >= 2, Wait);
        var mail = (await Eventually.GetAsync(() => Task.FromResult(dispatch.MailsFor(id)), m => m.Count >= 1, Wait, "the mail"))[0];
        mail.Subject.ShouldStartWith(Templates.DrillMark);
        mail.TextBody!.ShouldStartWith(Templates.DrillMark);

        // Once all three have been through the consumer, nothing went out twice.
        await Eventually.GetAsync(() => Task.FromResult((dispatch.Consumed.Count(messageId), dispatch.Consumed.Count(copyId))),
            n => n.Item1 >= 2 && n.Item2 >= 1, Wait, "the worker to consume the three copies");
        dispatch.MailsFor(id).Count.ShouldBe(1);
        dispatch.Webhooks.Count(w => w.Body.Contains(id.ToString())).ShouldBe(1);
        dispatch.Receipts.For(id).Count.ShouldBe(2);
    }

    [Fact]
    public async Task What_the_api_announces_while_the_worker_is_down_is_notified_when_it_is_back()
    {
        Guid id = default;
        await dispatch.RestartWorkerAsync(async () =>
        {
            id = await api.Client().ReportOutageAsync(DispatchFixture.System("outage"));
            // Announced on the exchange, so waiting in the worker's queue: and nobody is there to send it.
            await api.Broker.WaitForAsync(id, m => m.Any(x => x.MessageType.EndsWith(":IncidentOpened", StringComparison.Ordinal)), Wait);
            dispatch.MailsFor(id).ShouldBeEmpty("nobody is there to send it");
        });

        var mails = await Eventually.GetAsync(() => Task.FromResult(dispatch.MailsFor(id)), m => m.Count >= 1, Wait, "the mail after the restart");
        mails.ShouldHaveSingleItem().To.Mailboxes.Single().Address.ShouldBe("purchaser@example.org");
        await Eventually.GetAsync(() => api.Client().GetJsonAsync($"/api/v1/incidents/{id}/timeline"),
            t => t["entries"]!.AsArray().Any(e => e!["type"]!.GetValue<string>() == "notification-delivered"), Wait, "the receipt in the timeline");
    }

    [Fact]
    public async Task An_english_recipient_gets_english_text()
    {
        var id = Guid.NewGuid();
        await dispatch.SendRawAsync(nameof(IncidentOpened), new IncidentOpened(id, "Intrusion detected", DispatchFixture.System("security"),
            "security-event", "phone", false, null, DateTimeOffset.UtcNow, new ActorInfo("desk-01", "Li Na"), 1), Guid.NewGuid());

        var mail = (await Eventually.GetAsync(() => Task.FromResult(dispatch.MailsFor(id)), m => m.Count >= 1, Wait, "the mail"))[0];
        mail.Subject.ShouldBe($"[New incident] security-event - {DispatchFixture.System("security")}: Intrusion detected");
        mail.TextBody!.ShouldContain("Status: clock running, awaiting acknowledgement");
        mail.TextBody!.ShouldContain("(UTC+08:00, Asia/Shanghai)");
    }

    [Fact]
    public async Task A_report_pages_its_first_escalation_level_from_the_same_message()
    {
        // One message per change: the report and the level 1 it raised travel as one IncidentOpened.
        var id = Guid.NewGuid();
        var system = DispatchFixture.System("first-level");
        var at = DateTimeOffset.UtcNow;
        await dispatch.SendRawAsync(nameof(IncidentOpened), new IncidentOpened(id, "Settlement down", system, "outage", "phone", false, null,
            at, new ActorInfo("desk-01", "Li Na"), 1,
            new IncidentEscalated(id, "Settlement down", "outage", system, false, 1, 1, "duty engineer", ["security-lead"], "opened", null,
                at, at.AddMinutes(5), 2)), Guid.NewGuid());

        var receipts = await dispatch.Receipts.WaitForAsync(id,
            r => r.Any(m => m.Message.GetProperty("trigger").GetString() == NotificationTriggers.Escalated), Wait);
        var level1 = receipts.First(m => m.Message.GetProperty("trigger").GetString() == NotificationTriggers.Escalated).Message;
        level1.GetProperty("recipient").GetString().ShouldBe("security-lead");
        level1.GetProperty("sourceVersion").GetInt64().ShouldBe(2, "receipted against the level's own event");
        // ... and mailed as the escalation it is ("[Escalation L1] ...", the security lead reads English).
        await Eventually.GetAsync(() => Task.FromResult(dispatch.MailsFor(id)),
            m => m.Any(x => x.Subject?.StartsWith("[Escalation L1]", StringComparison.Ordinal) == true), Wait, "the level-1 page");
    }

    [Fact]
    public async Task An_escalation_level_pages_the_people_it_names_by_sms_robot_and_mail_and_reports_who_is_unknown()
    {
        var id = Guid.NewGuid();
        var system = DispatchFixture.System("escalation");
        await dispatch.SendRawAsync(nameof(IncidentEscalated), new IncidentEscalated(id, "Settlement down", "security-event", system, false, 2, 1,
            "project manager", ["project-manager", "security-lead", "duty-engineer"], "not-acknowledged", null, DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(10), 4), Guid.NewGuid());

        var receipts = await dispatch.Receipts.WaitForAsync(id, r => r.Count >= 4, Wait);
        receipts.Select(r => (r.Message.GetProperty("recipient").GetString(), r.Message.GetProperty("channel").GetString(),
                r.Message.GetProperty("outcome").GetString()))
            .ShouldBe([("project-manager", "sms", "sent"), ("project-manager", "webhook-feishu-0", "sent"), ("security-lead", "email", "sent"),
                ("duty-engineer", "none", "failed")], ignoreOrder: true);
        receipts.Single(r => r.Message.GetProperty("recipient").GetString() == "duty-engineer").Message.GetProperty("reason").GetString()
            .ShouldBe("recipient 'duty-engineer' is not in the recipient directory");
        receipts.ShouldAllBe(r => r.Message.GetProperty("trigger").GetString() == "escalated" && r.Message.GetProperty("sourceVersion").GetInt64() == 4);

        var sms = dispatch.Webhooks.Single(w => w.Path == "/sms" && w.Body.Contains(system));
        sms.Signature.ShouldBe("Bearer tests-sms-key");
        var text = JsonDocument.Parse(sms.Body).RootElement;
        text.GetProperty("phone").GetString().ShouldBe("+8613800000000");
        var sent = text.GetProperty("text").GetString()!;
        var expected = $"【事件升级 L2】{system}：升级至第 2 级";
        sent.ShouldStartWith(expected.Length < Templates.SmsLength ? expected : expected[..(Templates.SmsLength - 1)]);
        sent.Length.ShouldBeLessThanOrEqualTo(Templates.SmsLength, "one SMS segment");

        var feishu = JsonDocument.Parse(dispatch.Webhooks.Single(w => w.Path == "/feishu" && w.Body.Contains(system)).Body).RootElement;
        feishu.GetProperty("msg_type").GetString().ShouldBe("text");
        feishu.GetProperty("content").GetProperty("text").GetString()!.ShouldContain("状态：升级至第 2 级（project manager），原因：无人响应");

        var mail = dispatch.MailsFor(id).ShouldHaveSingleItem();
        mail.Subject.ShouldBe($"[Escalation L2] security-event - {system}: Settlement down");
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_then_recorded_as_failed()
    {
        var id = Guid.NewGuid();
        await dispatch.SendRawAsync(nameof(IncidentOpened), new IncidentOpened(id, "Disk errors", DispatchFixture.System("fault"), "fault", "phone",
            false, null, DateTimeOffset.UtcNow, new ActorInfo("desk-01", "Li Na"), 1), Guid.NewGuid());

        var receipts = await dispatch.Receipts.WaitForAsync(id, r => r.Any(m => m.Message.GetProperty("outcome").GetString() == "failed"), Wait);
        receipts.Select(r => r.Message.GetProperty("outcome").GetString()).ShouldBe(["retrying", "retrying", "failed"]);
        receipts[^1].Message.GetProperty("reason").GetString().ShouldBe("retries exhausted: http 503");
        receipts[^1].Message.GetProperty("attempt").GetInt32().ShouldBe(3);
        var calls = dispatch.Webhooks.Where(w => w.Path == "/fail" && w.Body.Contains("Disk errors")).ToList();
        calls.Count.ShouldBe(3);
        // The WeCom robot shape: {"msgtype":"text","text":{"content":"<subject>\n<body>"}}.
        var robot = JsonDocument.Parse(calls[0].Body).RootElement;
        robot.GetProperty("msgtype").GetString().ShouldBe("text");
        robot.GetProperty("text").GetProperty("content").GetString()!.ShouldStartWith($"【新事件】故障 - {DispatchFixture.System("fault")}：Disk errors\n");
        await TestServices.ScalarAsync<string>("SELECT outcome FROM dispatch_deliveries WHERE incident_id = @id", ("id", id))
            .ContinueWith(t => t.Result.ShouldBe("failed"));
    }

    [Fact]
    public async Task A_poison_message_goes_to_the_error_queue_and_can_be_listed_and_replayed()
    {
        var messageId = Guid.NewGuid();
        var poison = "{\"messageId\":\"" + messageId + "\",\"messageType\":[\"urn:message:Incidents.Contracts:IncidentOpened\"],\"message\":{\"incidentId\":\"not-a-guid\"}}";
        await dispatch.SendBytesAsync(Encoding.UTF8.GetBytes(poison), messageId);

        var listed = await Eventually.GetAsync(async () => await dispatch.Operator.GetStringAsync("/dispatch/errors"),
            body => body.Contains(messageId.ToString()), Wait, "the poison message in the error queue");
        listed.ShouldContain("IncidentOpened");

        var replay = await dispatch.Operator.PostAsync("/dispatch/errors/replay", null);
        replay.IsSuccessStatusCode.ShouldBeTrue();
        JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement.GetProperty("replayed").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        // Still poison: it fails again and is back in the error queue, not lost.
        await Eventually.GetAsync(async () => await dispatch.Operator.GetStringAsync("/dispatch/errors"),
            body => body.Contains(messageId.ToString()), Wait, "the replayed poison message back in the error queue");
    }
}
