using Incidents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Incidents.Dispatch;

/// <summary>
/// Turns one announced change into deliveries (rules × recipient directory × channels), sends each one not yet
/// recorded in the ledger, and publishes a <see cref="NotificationAttempted"/> receipt for every attempt. A transient
/// failure is reported as retrying and rethrown after the other deliveries, so MassTransit's exponential retry
/// redelivers the message (the ledger skips what was already sent); on the last attempt it is recorded as failed.
/// </summary>
public sealed class Notifier(IOptions<DispatchOptions> options, DeliveryLedger ledger, DispatchProgress progress, LagAlarm alarm,
    PagePriority priority, EmailSender email, WebhookSender webhook, SmsSender sms, TimeProvider clock, ILogger<Notifier> log)
{
    public IEnumerable<Delivery> Plan(Notice notice)
    {
        var settings = options.Value;
        foreach (var delivery in DirectoryRecipients.Plan(notice, settings))
        {
            yield return delivery;
        }

        var keys = (notice.Recipients ?? []).Concat(settings.Rules
            .Where(r => r.On == notice.Trigger && (r.Classes.Count == 0 || r.Classes.Contains(notice.Class))
                        && (r.Systems.Count == 0 || r.Systems.Contains(notice.AffectedSystem)))
            .SelectMany(r => r.Recipients))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            if (!settings.Recipients.TryGetValue(key, out var person))
            {
                // An escalation chain (API configuration) may name someone this worker does not know: say so in a receipt.
                yield return new Delivery(key, new Recipient { Name = key }, Delivery.Unknown, "", null,
                    new RenderedMessage("", ""), notice);
                continue;
            }

            var language = string.IsNullOrEmpty(person.Language) ? settings.DefaultLanguage : person.Language;
            var message = Templates.Render(notice, language, settings.LinkBase, settings.Zone);
            if (!string.IsNullOrEmpty(person.Email))
            {
                yield return new Delivery(key, person, "email", person.Email, null, message, notice);
            }

            if (!string.IsNullOrEmpty(person.Phone) && !string.IsNullOrEmpty(settings.Sms.Url))
            {
                yield return new Delivery(key, person, "sms", person.Phone, null, message, notice);
            }

            for (var i = 0; i < person.Webhooks.Count; i++)
            {
                var hook = person.Webhooks[i];
                yield return new Delivery(key, person, $"webhook-{hook.Kind}-{i}", hook.Url, hook, message, notice);
            }
        }
    }

    /// <summary>
    /// Delivers the notices of one message (a report carries its first escalation level too), or of a whole batch of
    /// bulk messages, all before any retry. What the notices tell of their incidents' progress is recorded first (one
    /// statement, none when they tell nothing, as SLA warnings); then every delivery is claimed and its supersession
    /// read in one statement, the claimed ones are sent concurrently (on the pooled connections), their outcomes
    /// written in one statement and their receipts published concurrently (the broker confirms them together). A
    /// notice whose moment has passed is receipted as superseded instead of sent. Every receipt carries the lag from the
    /// event to the attempt. A transient failure is rethrown after the rest, so the whole message (or batch) is
    /// retried and the ledger skips what was already done.
    /// </summary>
    public Task NotifyAsync(ConsumeContext context, params Notice[] notices) => NotifyAsync(context, (IReadOnlyList<Notice>)notices);

    /// <inheritdoc cref="NotifyAsync(ConsumeContext, Notice[])"/>
    public async Task NotifyAsync(ConsumeContext context, IReadOnlyList<Notice> notices)
    {
        var page = notices.Any(n => n.IsPage);
        using var pageFirst = page ? priority.Enter() : null;
        await progress.RecordAsync(notices, context.CancellationToken);
        var transient = await DeliverAsync(context, notices.SelectMany(Plan).ToList(), page);
        if (transient is not null)
        {
            throw new TransientDeliveryException(transient);
        }
    }

    /// <summary>Claim (with the supersession check), send, record, receipt — each step once for all the deliveries. Returns the reason of a transient failure.</summary>
    private async Task<string?> DeliverAsync(ConsumeContext context, IReadOnlyList<Delivery> deliveries, bool page)
    {
        var cancellation = context.CancellationToken;
        // Bulk steps wait while a page is handled (PagePriority); pages never wait.
        var yieldToPages = page ? (Func<ValueTask>)(() => ValueTask.CompletedTask) : () => priority.YieldAsync(cancellation);
        await yieldToPages();
        var retry = context.GetRetryAttempt();
        var last = retry >= options.Value.RetryLimit;
        var keyed = deliveries.Select(d => (Delivery: d, Key: d.Notice.DeliveryKey(d.RecipientKey, d.Channel))).ToList();
        var claims = await ledger.ClaimAsync(keyed.Select(k => new ClaimRequest(k.Key, k.Delivery.Notice.IncidentId,
            k.Delivery.Notice.SourceVersion, DispatchProgress.StaleAfter(k.Delivery.Notice))).ToList(), cancellation);
        var mine = new List<(Delivery Delivery, string Key, string? Superseded)>(claims.Mine.Count);
        foreach (var (delivery, key) in keyed)
        {
            // Remove: a key twice in one batch (two copies of one message) is acted on once.
            if (claims.Mine.Remove(key, out var superseded))
            {
                mine.Add((delivery, key, superseded));
            }
            else
            {
                log.LogDebug("Delivery {Key} already done or under way; skipped", key);
            }
        }

        // Being sent by another worker that still beats: this copy must not be acknowledged while that one is in doubt.
        // Retried, it finds the delivery recorded (nothing to do) or its worker dead and takes it over (WorkerLiveness).
        var elsewhere = claims.UnderWayElsewhere.Count > 0
            ? $"{claims.UnderWayElsewhere.Count} deliveries under way in another worker; retried until recorded or taken over"
            : null;
        if (mine.Count == 0)
        {
            return elsewhere;
        }

        var attempts = await Task.WhenAll(mine.Select(async m =>
        {
            await yieldToPages();
            return await AttemptAsync(m.Delivery, m.Key, m.Superseded, last, cancellation);
        }));
        var done = attempts.Where(a => a.Unexpected is null).ToList();
        await yieldToPages();
        await ledger.RecordAsync(done.Select(a => new DeliveryOutcome(a.Key, a.Outcome, retry + 1, a.Reason)).ToList(), cancellation);

        await yieldToPages();
        await Task.WhenAll(done.Select(a =>
        {
            var notice = a.Delivery.Notice;
            log.LogDebug("Delivery {Key}: {Outcome} (attempt {Attempt}, {Lag} after the event) {Reason}", a.Key, a.Outcome, retry + 1,
                notice.LagAt(a.At), a.Reason);
            return context.Publish(new NotificationAttempted(notice.IncidentId, notice.Trigger, notice.SourceVersion,
                a.Delivery.RecipientKey, a.Delivery.Channel, a.Outcome, retry + 1, a.Reason, notice.IsDrill, a.At, notice.LagAt(a.At)), cancellation);
        }));

        foreach (var a in done.Where(a => a.Outcome != NotificationOutcomes.Superseded && a.Delivery.Notice.Trigger != NotificationTriggers.DispatchLagging))
        {
            await AlertIfLateAsync(context, a.Delivery.Notice, a.Delivery.Notice.LagAt(a.At), a.At);
        }

        // Anything else that threw: the others are recorded and receipted; the message (or batch) goes to the error
        // queue as before, and that delivery's claim stays (a replay skips it until the claim is stale).
        if (attempts.FirstOrDefault(a => a.Unexpected is not null) is { Unexpected: { } unexpected })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(unexpected).Throw();
        }

        return done.FirstOrDefault(a => a.Transient is not null)?.Transient ?? elsewhere;
    }

    /// <summary>One attempt's outcome; <c>At</c> is when it ended (the receipt's time and lag are its own, not the batch's).</summary>
    private sealed record Attempt(Delivery Delivery, string Key, string Outcome, string? Reason, string? Transient, DateTimeOffset At,
        Exception? Unexpected = null);

    /// <summary>One claimed delivery: sent, or not (superseded, unknown recipient); its outcome, never an exception but an unexpected one.</summary>
    private async Task<Attempt> AttemptAsync(Delivery delivery, string key, string? superseded, bool last, CancellationToken cancellation)
    {
        if (superseded is not null)
        {
            return new Attempt(delivery, key, NotificationOutcomes.Superseded, superseded, null, clock.GetUtcNow());
        }

        IChannelSender? sender = delivery.Channel switch
        {
            Delivery.Unknown => null,
            "email" => email,
            "sms" => sms,
            _ => webhook,
        };
        try
        {
            if (sender is null)
            {
                throw new PermanentDeliveryException($"recipient '{delivery.RecipientKey}' is not in the recipient directory");
            }

            await sender.SendAsync(delivery, cancellation);
            return new Attempt(delivery, key, NotificationOutcomes.Sent, null, null, clock.GetUtcNow());
        }
        catch (PermanentDeliveryException e)
        {
            return new Attempt(delivery, key, NotificationOutcomes.Failed, e.Message, null, clock.GetUtcNow());
        }
        catch (TransientDeliveryException e) when (last)
        {
            return new Attempt(delivery, key, NotificationOutcomes.Failed, $"retries exhausted: {e.Message}", null, clock.GetUtcNow());
        }
        catch (TransientDeliveryException e)
        {
            return new Attempt(delivery, key, NotificationOutcomes.Retrying, e.Message, e.Message, clock.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Attempt(delivery, key, "", null, null, clock.GetUtcNow(), e);
        }
    }

    /// <summary>A notification later than the threshold is itself announced to the on-duty engineer (at most once per interval).</summary>
    private async Task AlertIfLateAsync(ConsumeContext context, Notice late, TimeSpan lag, DateTimeOffset now)
    {
        var alert = options.Value.LagAlert;
        if (lag <= alert.Threshold || !alarm.TryRaise(now, alert.Interval))
        {
            return;
        }

        var known = alert.Recipients.Where(options.Value.Recipients.ContainsKey).ToList();
        log.LogWarning("Notification {Trigger} of incident {IncidentId} went out {Lag} after its event; telling {Recipients}",
            late.Trigger, late.IncidentId, lag, known.Count > 0 ? string.Join(", ", known) : "nobody (no LagAlert recipient in the directory)");
        await DeliverAsync(context, Plan(Notice.Lagging(late, lag, now, known)).ToList(), page: true);
    }
}

/// <summary>
/// The API's integration messages, received through Wolverine's MassTransit interop. The same handling serves both
/// lanes; <c>pages</c> says which lane this consumer reads (its mail uses that lane's SMTP connections). SLA warnings,
/// the bulk, are consumed in batches on the bulk lane (<see cref="SlaWarningBatchConsumer"/>).
/// </summary>
public abstract class NoticeConsumer(Notifier notifier, bool pages) :
    IConsumer<IncidentOpened>, IConsumer<IncidentLifecycleChanged>, IConsumer<IncidentSlaBreached>, IConsumer<IncidentEscalated>
{
    protected Task Notify(ConsumeContext context, params Notice[] notices) =>
        notifier.NotifyAsync(context, notices.Select(n => n with { IsPage = pages }).ToArray());

    public Task Consume(ConsumeContext<IncidentEscalated> context) => Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentOpened> context) => context.Message.FirstEscalation is { } level1
        ? Notify(context, Notice.From(context.Message), Notice.From(level1))
        : Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentLifecycleChanged> context) => Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentSlaBreached> context) => Notify(context, Notice.From(context.Message));
}

/// <summary>The bulk lane (queue incidents.dispatch): anything but SLA warnings that an older API published there.</summary>
public sealed class IncidentNotificationConsumer(Notifier notifier) : NoticeConsumer(notifier, pages: false);

/// <summary>The paging lane (queue incidents.dispatch.pages): new incidents, escalation levels, breaches, lifecycle steps.</summary>
public sealed class IncidentPageConsumer(Notifier notifier) : NoticeConsumer(notifier, pages: true), IConsumer<IncidentSlaWarning>
{
    public Task Consume(ConsumeContext<IncidentSlaWarning> context) => Notify(context, Notice.From(context.Message));
}

/// <summary>
/// The bulk lane's SLA warnings, in batches (<c>Dispatch:Bulk:Batch</c>, docs/dispatch.md): one batch costs one claim
/// statement and one outcome statement, whatever its size; its mails go out concurrently on the bulk SMTP connections and
/// its receipts are confirmed together. A transient failure retries the whole batch; the ledger skips what was done.
/// </summary>
public sealed class SlaWarningBatchConsumer(Notifier notifier) : IConsumer<Batch<IncidentSlaWarning>>
{
    public Task Consume(ConsumeContext<Batch<IncidentSlaWarning>> context) =>
        notifier.NotifyAsync(context, context.Message.Select(m => Notice.From(m.Message)).ToList());
}
