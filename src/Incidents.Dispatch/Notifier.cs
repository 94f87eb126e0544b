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
    EmailSender email, WebhookSender webhook, SmsSender sms, TimeProvider clock, ILogger<Notifier> log)
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
    /// Delivers the notices of one message (a report carries its first escalation level too), all before any retry. What
    /// the message tells of the incident's progress is recorded first; a notice whose moment has passed is receipted as
    /// superseded instead of sent. Every receipt carries the lag from the event to the attempt.
    /// </summary>
    public async Task NotifyAsync(ConsumeContext context, params Notice[] notices)
    {
        foreach (var notice in notices)
        {
            await progress.RecordAsync(notice, context.CancellationToken);
        }

        string? transient = null;
        foreach (var notice in notices)
        {
            var superseded = await progress.SupersededAsync(notice, context.CancellationToken);
            foreach (var delivery in Plan(notice))
            {
                transient ??= await DeliverAsync(context, notice, delivery, superseded);
            }
        }

        if (transient is not null)
        {
            throw new TransientDeliveryException(transient);
        }
    }

    /// <summary>One delivery: claim, send (or not: superseded), record, receipt. Returns the reason of a transient failure.</summary>
    private async Task<string?> DeliverAsync(ConsumeContext context, Notice notice, Delivery delivery, string? superseded)
    {
        var retry = context.GetRetryAttempt();
        var last = retry >= options.Value.RetryLimit;
        var key = notice.DeliveryKey(delivery.RecipientKey, delivery.Channel);
        if (!await ledger.TryClaimAsync(key, notice.IncidentId, context.CancellationToken))
        {
            log.LogDebug("Delivery {Key} already done or under way; skipped", key);
            return null;
        }

        IChannelSender? sender = delivery.Channel switch
        {
            Delivery.Unknown => null,
            "email" => email,
            "sms" => sms,
            _ => webhook,
        };
        string outcome;
        string? reason = null;
        string? transient = null;
        try
        {
            if (superseded is not null)
            {
                (outcome, reason) = (NotificationOutcomes.Superseded, superseded);
            }
            else if (sender is null)
            {
                throw new PermanentDeliveryException($"recipient '{delivery.RecipientKey}' is not in the recipient directory");
            }
            else
            {
                await sender.SendAsync(delivery, context.CancellationToken);
                outcome = NotificationOutcomes.Sent;
            }
        }
        catch (PermanentDeliveryException e)
        {
            (outcome, reason) = (NotificationOutcomes.Failed, e.Message);
        }
        catch (TransientDeliveryException e) when (last)
        {
            (outcome, reason) = (NotificationOutcomes.Failed, $"retries exhausted: {e.Message}");
        }
        catch (TransientDeliveryException e)
        {
            (outcome, reason) = (NotificationOutcomes.Retrying, e.Message);
            transient = e.Message;
        }

        if (outcome == NotificationOutcomes.Retrying)
        {
            await ledger.ReleaseAsync(key, context.CancellationToken);
        }
        else
        {
            await ledger.CompleteAsync(key, outcome, retry + 1, reason, context.CancellationToken);
        }

        var now = clock.GetUtcNow();
        var lag = notice.LagAt(now);
        log.LogDebug("Delivery {Key}: {Outcome} (attempt {Attempt}, {Lag} after the event) {Reason}", key, outcome, retry + 1, lag, reason);
        await context.Publish(new NotificationAttempted(notice.IncidentId, notice.Trigger, notice.SourceVersion,
            delivery.RecipientKey, delivery.Channel, outcome, retry + 1, reason, notice.IsDrill, now, lag));

        if (outcome != NotificationOutcomes.Superseded && notice.Trigger != NotificationTriggers.DispatchLagging)
        {
            await AlertIfLateAsync(context, notice, lag, now);
        }

        return transient;
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
        var notice = Notice.Lagging(late, lag, now, known);
        foreach (var delivery in Plan(notice))
        {
            await DeliverAsync(context, notice, delivery, superseded: null);
        }
    }
}

/// <summary>
/// The API's integration messages, received through Wolverine's MassTransit interop. The same handling serves both
/// lanes; <c>pages</c> says which lane this consumer reads (its mail uses that lane's SMTP connections).
/// </summary>
public abstract class NoticeConsumer(Notifier notifier, bool pages) :
    IConsumer<IncidentOpened>, IConsumer<IncidentLifecycleChanged>, IConsumer<IncidentSlaBreached>, IConsumer<IncidentSlaWarning>,
    IConsumer<IncidentEscalated>
{
    private Task Notify(ConsumeContext context, params Notice[] notices) =>
        notifier.NotifyAsync(context, notices.Select(n => n with { IsPage = pages }).ToArray());

    public Task Consume(ConsumeContext<IncidentEscalated> context) => Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentOpened> context) => context.Message.FirstEscalation is { } level1
        ? Notify(context, Notice.From(context.Message), Notice.From(level1))
        : Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentLifecycleChanged> context) => Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentSlaBreached> context) => Notify(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentSlaWarning> context) => Notify(context, Notice.From(context.Message));
}

/// <summary>The bulk lane (queue incidents.dispatch): SLA warnings, and anything an older API published there.</summary>
public sealed class IncidentNotificationConsumer(Notifier notifier) : NoticeConsumer(notifier, pages: false);

/// <summary>The paging lane (queue incidents.dispatch.pages): new incidents, escalation levels, breaches, lifecycle steps.</summary>
public sealed class IncidentPageConsumer(Notifier notifier) : NoticeConsumer(notifier, pages: true);
