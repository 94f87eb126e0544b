using System.Globalization;
using System.Xml;
using Incidents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Incidents.Dispatch;

/// <summary>
/// Hand-off notices (docs/oncall.md, "Hand-offs"; docs/dispatch.md): at a roster's shift change the incoming person is told
/// what is open, by e-mail and by SMS (when the gateway is configured) on the channels the people directory gave the
/// message, under the key <c>person:{id}</c>. Each attempt is claimed in the delivery ledger (a redelivered notice is sent
/// once) and receipted as <see cref="NotificationAttempted"/> with trigger <see cref="NotificationTriggers.ShiftHandedOver"/>
/// and the hand-off's id; a person with no usable channel gets a failed receipt saying so. Transient failures are retried
/// by the lane's retry policy like any notice. The worker reads these from its own queue (<see cref="QueueOf"/>), bound to
/// <see cref="Messaging.DutyEventsExchange"/>.
/// </summary>
public sealed class ShiftHandOffConsumer(IOptions<DispatchOptions> options, DeliveryLedger ledger, EmailSender email, SmsSender sms,
    TimeProvider clock, ILogger<ShiftHandOffConsumer> log) : IConsumer<ShiftHandOffAnnounced>
{
    /// <summary>The duty queue beside the bulk queue: <c>incidents.dispatch.duty</c> by default (<see cref="Messaging.DispatchDutyQueue"/>).</summary>
    public static string QueueOf(DispatchOptions settings) => settings.Queue + ".duty";

    public async Task Consume(ConsumeContext<ShiftHandOffAnnounced> context)
    {
        var handOff = context.Message;
        var settings = options.Value;
        var notice = new Notice(handOff.HandOffId, NotificationTriggers.ShiftHandedOver, 1, handOff.RosterName, "", handOff.RosterName, false,
            "hand-off", handOff.At) { IsPage = true };
        var person = new Recipient { Name = handOff.To.Name, Email = handOff.To.Email, Phone = handOff.To.Mobile };
        var key = DirectoryRecipients.KeyPrefix + handOff.To.PersonId;
        var message = HandOffTemplate.Render(handOff, settings.LinkBase, settings.Zone);
        var deliveries = new List<Delivery>();
        if (!string.IsNullOrEmpty(handOff.To.Email))
        {
            deliveries.Add(new Delivery(key, person, "email", handOff.To.Email, null, message, notice));
        }

        if (!string.IsNullOrEmpty(handOff.To.Mobile) && !string.IsNullOrEmpty(settings.Sms.Url))
        {
            deliveries.Add(new Delivery(key, person, "sms", handOff.To.Mobile, null, message, notice));
        }

        if (deliveries.Count == 0)
        {
            deliveries.Add(new Delivery(key, person, Delivery.Unknown, "", null, message, notice));
        }

        string? transient = null;
        foreach (var delivery in deliveries)
        {
            transient ??= await DeliverAsync(context, notice, delivery);
        }

        if (transient is not null)
        {
            throw new TransientDeliveryException(transient);
        }
    }

    private async Task<string?> DeliverAsync(ConsumeContext context, Notice notice, Delivery delivery)
    {
        var retry = context.GetRetryAttempt();
        var key = notice.DeliveryKey(delivery.RecipientKey, delivery.Channel);
        var claims = await ledger.ClaimAsync([new ClaimRequest(key, notice.IncidentId, notice.SourceVersion, [])], context.CancellationToken);
        if (!claims.Mine.ContainsKey(key))
        {
            // Done already, or being sent by a live worker: then this copy is retried, not acknowledged (docs/dispatch.md).
            return claims.UnderWayElsewhere.Count > 0 ? "hand-off notice under way in another worker" : null;
        }

        string outcome;
        string? reason = null;
        string? transient = null;
        try
        {
            IChannelSender sender = delivery.Channel switch
            {
                "email" => email,
                "sms" => sms,
                _ => throw new PermanentDeliveryException($"{delivery.Person.Name} has no e-mail or mobile the worker can use"),
            };
            await sender.SendAsync(delivery, context.CancellationToken);
            outcome = NotificationOutcomes.Sent;
        }
        catch (PermanentDeliveryException e)
        {
            (outcome, reason) = (NotificationOutcomes.Failed, e.Message);
        }
        catch (TransientDeliveryException e) when (retry >= options.Value.RetryLimit)
        {
            (outcome, reason) = (NotificationOutcomes.Failed, $"retries exhausted: {e.Message}");
        }
        catch (TransientDeliveryException e)
        {
            (outcome, reason, transient) = (NotificationOutcomes.Retrying, e.Message, e.Message);
        }

        // A retrying outcome gives the claim back, so the retry may claim it again.
        await ledger.RecordAsync([new DeliveryOutcome(key, outcome, retry + 1, reason)], context.CancellationToken);

        var now = clock.GetUtcNow();
        log.LogDebug("Hand-off notice {Key}: {Outcome} (attempt {Attempt}) {Reason}", key, outcome, retry + 1, reason);
        await context.Publish(new NotificationAttempted(notice.IncidentId, notice.Trigger, notice.SourceVersion, delivery.RecipientKey,
            delivery.Channel, outcome, retry + 1, reason, false, now, notice.LagAt(now)));
        return transient;
    }
}

/// <summary>
/// The hand-off notice in Simplified Chinese: who takes over which roster, when (in the service's time zone, named), until
/// when, what is open (production incidents; drills apart) and the SLA stage with the least time left, or already breached;
/// and an SMS short form that fits one 70-character segment.
/// </summary>
public static class HandOffTemplate
{
    private static readonly Dictionary<string, string> Stages = new()
    {
        ["acknowledge"] = "响应", ["on-site"] = "到场", ["restore"] = "恢复",
    };

    private static readonly Dictionary<string, string> Reasons = new()
    {
        ["rotation"] = "轮值", ["holiday"] = "节假日值班", ["override"] = "代班", ["swap"] = "换班",
    };

    public static RenderedMessage Render(ShiftHandOffAnnounced m, string linkBase, TimeZoneInfo zone)
    {
        var worst = m.Worst is { } w
            ? $"{Stages.GetValueOrDefault(w.Stage, w.Stage)}{(w.Breached ? $"已超时 {Span(-w.Remaining)}" : $"剩余 {Span(w.Remaining)}")}"
            : null;
        var reason = Reasons.TryGetValue(m.To.Reason, out var r) ? $"（{r}）" : "";
        var body = $"【交接班】{m.RosterName}\n" +
                   $"接班人：{m.To.Name}{reason}\n" +
                   $"交班人：{m.FromName ?? m.FromPersonId ?? "无（此前无人值班）"}\n" +
                   $"交接时间：{Long(m.At, zone)}\n" +
                   (m.ShiftEnd is { } end ? $"本班至：{Long(end, zone)}\n" : "") +
                   $"在办事件：{m.OpenIncidents} 起{(m.OpenDrills > 0 ? $"（另有演练 {m.OpenDrills} 起，不计入）" : "")}\n" +
                   (m.Worst is { } x
                       ? $"最紧迫时限：{x.AffectedSystem}「{x.Title}」{worst}（时限 {Long(x.DueAt, zone)}）\n链接：{linkBase.TrimEnd('/')}/{x.IncidentId}\n"
                       : "最紧迫时限：无计时中的时限\n");
        var subject = $"【交接班】{m.RosterName}：{m.To.Name} 接班，在办事件 {m.OpenIncidents} 起";
        var local = TimeZoneInfo.ConvertTime(m.At, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        var sms = $"【交接班】{local} {m.To.Name}接班，在办{m.OpenIncidents}起" +
                  (m.Worst is { } y ? $"，最紧迫：{worst}（{y.AffectedSystem}）" : "");
        return new RenderedMessage(subject, body, Templates.Fit(sms, Templates.SmsLength));
    }

    private static string Long(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset >= TimeSpan.Zero ? $"+{local.Offset:hh\\:mm}" : $"-{local.Offset:hh\\:mm}";
        return $"{local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}（UTC{offset}，{zone.Id}）";
    }

    /// <summary>Whole minutes when there are any (a stage's time is counted in minutes), seconds otherwise.</summary>
    private static string Span(TimeSpan span)
    {
        var rounded = span >= TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(Math.Floor(span.TotalMinutes)) : TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds));
        return StatusWords.Duration(XmlConvert.ToString(rounded), english: false);
    }
}
