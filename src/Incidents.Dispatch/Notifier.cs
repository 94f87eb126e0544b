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
public sealed class Notifier(IOptions<DispatchOptions> options, DeliveryLedger ledger, EmailSender email, WebhookSender webhook,
    SmsSender sms, TimeProvider clock, ILogger<Notifier> log)
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

    /// <summary>Delivers the notices of one message (a report carries its first escalation level too), all before any retry.</summary>
    public async Task NotifyAsync(ConsumeContext context, params Notice[] notices)
    {
        var retry = context.GetRetryAttempt();
        var last = retry >= options.Value.RetryLimit;
        string? transient = null;
        foreach (var (notice, delivery) in notices.SelectMany(n => Plan(n).Select(d => (n, d))))
        {
            var key = notice.DeliveryKey(delivery.RecipientKey, delivery.Channel);
            if (!await ledger.TryClaimAsync(key, notice.IncidentId, context.CancellationToken))
            {
                log.LogInformation("Delivery {Key} already done or under way; skipped", key);
                continue;
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
            try
            {
                if (sender is null)
                {
                    throw new PermanentDeliveryException($"recipient '{delivery.RecipientKey}' is not in the recipient directory");
                }

                await sender.SendAsync(delivery, context.CancellationToken);
                outcome = NotificationOutcomes.Sent;
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
                transient ??= e.Message;
            }

            if (outcome == NotificationOutcomes.Retrying)
            {
                await ledger.ReleaseAsync(key, context.CancellationToken);
            }
            else
            {
                await ledger.CompleteAsync(key, outcome, retry + 1, reason, context.CancellationToken);
            }

            log.LogInformation("Delivery {Key}: {Outcome} (attempt {Attempt}) {Reason}", key, outcome, retry + 1, reason);
            await context.Publish(new NotificationAttempted(notice.IncidentId, notice.Trigger, notice.SourceVersion,
                delivery.RecipientKey, delivery.Channel, outcome, retry + 1, reason, notice.IsDrill, clock.GetUtcNow()));
        }

        if (transient is not null)
        {
            throw new TransientDeliveryException(transient);
        }
    }
}

/// <summary>The API's integration events, received through Wolverine's MassTransit interop on the worker's own queue.</summary>
public sealed class IncidentNotificationConsumer(Notifier notifier) :
    IConsumer<IncidentOpened>, IConsumer<IncidentLifecycleChanged>, IConsumer<IncidentSlaBreached>, IConsumer<IncidentSlaWarning>,
    IConsumer<IncidentEscalated>
{
    public Task Consume(ConsumeContext<IncidentEscalated> context) => notifier.NotifyAsync(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentOpened> context) => context.Message.FirstEscalation is { } level1
        ? notifier.NotifyAsync(context, Notice.From(context.Message), Notice.From(level1))
        : notifier.NotifyAsync(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentLifecycleChanged> context) => notifier.NotifyAsync(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentSlaBreached> context) => notifier.NotifyAsync(context, Notice.From(context.Message));

    public Task Consume(ConsumeContext<IncidentSlaWarning> context) => notifier.NotifyAsync(context, Notice.From(context.Message));
}
