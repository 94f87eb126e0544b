using Incidents.Contracts;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>
/// Issue #16, throughput: the bulk lane takes SLA warnings in batches (one claim statement and one outcome statement per
/// batch, the mails sent concurrently). A batch is still exactly-once per delivery and per-notice in its outcomes.
/// Through a real SMTP server process that refuses one mailbox.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BulkBatchTests(ApiFixture api, PagingLaneFixture lane) : IClassFixture<PagingLaneFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly ApiFixture _api = api; // the test database exists once the API fixture is up

    private static IncidentSlaWarning Warning(Guid id, string system) =>
        new(id, "bulk", "fault", system, false, "restore", 0.8, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow, 3);

    [Fact]
    public async Task In_a_burst_a_mail_the_server_refuses_is_recorded_failed_and_the_others_of_its_batch_are_sent()
    {
        _api.ShouldNotBeNull();
        var sent = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var refused = Guid.NewGuid();
        var warnings = sent.Take(20).Select(id => Warning(id, PagingLaneFixture.System))
            .Append(Warning(refused, PagingLaneFixture.RefusedSystem))
            .Concat(sent.Skip(20).Select(id => Warning(id, PagingLaneFixture.System)));
        await lane.SendRawAsync(lane.Queue, nameof(IncidentSlaWarning), warnings);

        var failed = (await lane.Receipts.WaitForAsync(refused, r => r.Count >= 1, Wait)).ShouldHaveSingleItem().Message;
        failed.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Failed);
        failed.GetProperty("reason").GetString()!.ShouldStartWith("smtp 550");
        foreach (var id in sent)
        {
            (await lane.Receipts.WaitForAsync(id, r => r.Count >= 1, Wait)).ShouldHaveSingleItem()
                .Message.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Sent);
        }

        await Eventually.GetAsync(() => Task.FromResult(sent.Count(id => lane.Smtp.For(id).Count == 1)), n => n == sent.Count, Wait,
            "one mail for each of the 40 accepted warnings");
        lane.Smtp.For(refused).ShouldBeEmpty();
        (await TestServices.ScalarAsync<string>("select outcome from dispatch_deliveries where incident_id = @id", ("id", refused)))
            .ShouldBe(NotificationOutcomes.Failed);
        (await TestServices.ScalarAsync<long>("select count(*) from dispatch_deliveries where incident_id = any(@ids) and outcome = 'sent'",
            ("ids", sent.ToArray()))).ShouldBe(sent.Count);
    }

    [Fact]
    public async Task A_batch_redelivered_after_a_crash_sends_nothing_twice_and_loses_nothing_a_killed_worker_held()
    {
        _api.ShouldNotBeNull();
        // A first worker sent these 30 warnings and died before acknowledging them: the broker delivers them again.
        // Here the first delivery and its redelivery (same message ids) are queued together, so they share batches too;
        // and 5 more were claimed by a worker that was killed in the middle of sending them (it no longer beats).
        var ids = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();
        var messages = ids.Select(id => (MessageId: Guid.NewGuid(), Warning: (object)Warning(id, PagingLaneFixture.System))).ToList();
        var diedWhileSending = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var killedWorker = Guid.NewGuid();
        await TestServices.ExecuteAsync("insert into dispatch_workers (instance_id, seen_at) values (@w, now() - interval '1 minute')",
            ("w", killedWorker));
        foreach (var id in diedWhileSending)
        {
            await TestServices.ExecuteAsync("""
                insert into dispatch_deliveries (delivery_key, incident_id, outcome, attempts, owner)
                values (@key, @id, 'sending', 0, @w)
                """, ("key", $"{id:N}:3:{NotificationTriggers.SlaWarning}:purchaser-contact:email"), ("id", id), ("w", killedWorker));
        }

        var inDoubt = diedWhileSending.Select(id => (MessageId: Guid.NewGuid(), Warning: (object)Warning(id, PagingLaneFixture.System))).ToList();
        await lane.SendRawAsync(lane.Queue, nameof(IncidentSlaWarning), messages.Concat(messages).Concat(inDoubt));

        await Eventually.GetAsync(
            () => Task.FromResult(messages.All(m => lane.Consumed.Count(m.MessageId) >= 2) && inDoubt.All(m => lane.Consumed.Count(m.MessageId) >= 1)),
            done => done, Wait, "the worker to consume every copy");
        foreach (var id in ids)
        {
            lane.Smtp.For(id).Count.ShouldBe(1, "a redelivered warning is mailed once");
            lane.Receipts.For(id).ShouldHaveSingleItem().Message.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Sent);
        }

        foreach (var id in diedWhileSending)
        {
            // Its claim was taken over: the notice is not lost with the worker that died holding it.
            (await lane.Receipts.WaitForAsync(id, r => r.Count >= 1, Wait)).ShouldHaveSingleItem()
                .Message.GetProperty("outcome").GetString().ShouldBe(NotificationOutcomes.Sent);
            lane.Smtp.For(id).Count.ShouldBe(1, "a claim left by a worker that stopped beating is taken over and sent once");
        }
    }
}
