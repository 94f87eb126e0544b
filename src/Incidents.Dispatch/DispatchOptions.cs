using Incidents.Contracts;
using Microsoft.Extensions.Options;

namespace Incidents.Dispatch;

/// <summary>Everything the worker is told in configuration (section <c>Dispatch</c>): rules, people, channels.</summary>
public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>The worker's bulk queue, bound to the API's fanout exchange <see cref="SourceExchange"/>.</summary>
    public string Queue { get; set; } = Messaging.DispatchQueue;

    public string SourceExchange { get; set; } = Messaging.IncidentEventsExchange;

    /// <summary>The worker's paging queue, bound to <see cref="PagesExchange"/>, with its own consumers (docs/dispatch.md).</summary>
    public string PagesQueue { get; set; } = Messaging.DispatchPagesQueue;

    public string PagesExchange { get; set; } = Messaging.IncidentPagesExchange;

    /// <summary>
    /// The exchange receipts are published to (MassTransit's exchange of <see cref="NotificationAttempted"/>, which the API
    /// reads). Another name keeps a worker's receipts away from the API (the backlog test and the benchmark).
    /// </summary>
    public string ReceiptsExchange { get; set; } = Messaging.NotificationReceiptsExchange;

    /// <summary>Prefetch and concurrency of the paging lane: few messages, each one urgent.</summary>
    public LaneSettings Pages { get; set; } = new() { PrefetchCount = 16, ConcurrentMessageLimit = 8 };

    /// <summary>
    /// Prefetch, concurrency and batching of the bulk lane: SLA warnings are handled in batches (<see cref="LaneSettings.Batch"/>),
    /// so the concurrency must hold every batch being filled or sent (MessageLimit × ConcurrencyLimit), and the prefetch a
    /// little more so the next batch is already local (docs/dispatch.md).
    /// </summary>
    public LaneSettings Bulk { get; set; } = new() { PrefetchCount = 256, ConcurrentMessageLimit = 200 };

    /// <summary>
    /// How this worker proves it is alive to the others (docs/dispatch.md, "A worker killed mid-delivery"): a claim of a
    /// worker silent for longer than the timeout is taken over. Retries must outlast it (RetryLimit, RetryMaxInterval).
    /// </summary>
    public LivenessSettings Liveness { get; set; } = new();

    /// <summary>A notification later than this after its event is announced to the on-duty engineer (docs/dispatch.md).</summary>
    public LagAlertSettings LagAlert { get; set; } = new();

    /// <summary>Base of the link in every message: {LinkBase}/{incidentId}.</summary>
    public string LinkBase { get; set; } = "http://127.0.0.1:5080/api/v1/incidents";

    /// <summary>The service's time zone: every time in a message is given in it, with the zone named (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The time zone <see cref="TimeZone"/> names (validated at start).</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Language when a person has none: zh-CN (default) or en.</summary>
    public string DefaultLanguage { get; set; } = "zh-CN";

    /// <summary>Transient failures are retried this many times with exponential back-off.</summary>
    public int RetryLimit { get; set; } = 4;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public List<NotificationRule> Rules { get; set; } = [];

    /// <summary>The recipient directory: key (a role like duty-engineer, or a person id) to the person.</summary>
    public Dictionary<string, Recipient> Recipients { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public SmtpSettings Smtp { get; set; } = new();

    public SmsSettings Sms { get; set; } = new();
}

/// <summary>
/// Who hears about what. <c>On</c>: incident-opened, sla-breached, sla-warning, or a lifecycle step
/// (acknowledged, service-restored, closed, ...). Empty <c>Classes</c> / <c>Systems</c> mean every class / system.
/// </summary>
public sealed class NotificationRule
{
    public string On { get; set; } = "";

    public List<string> Classes { get; set; } = [];

    /// <summary>Affected systems this rule is about; empty means every system.</summary>
    public List<string> Systems { get; set; } = [];

    public List<string> Recipients { get; set; } = [];
}

public sealed class Recipient
{
    public string Name { get; set; } = "";

    /// <summary>zh-CN or en; empty uses the default.</summary>
    public string? Language { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public List<WebhookTarget> Webhooks { get; set; } = [];
}

/// <summary>A webhook: generic (JSON signed with HMAC-SHA256 in X-Incidents-Signature), wecom, dingtalk or feishu robot.</summary>
public sealed class WebhookTarget
{
    public string Kind { get; set; } = "generic";

    public string Url { get; set; } = "";

    public string? Secret { get; set; }
}

public sealed class SmtpSettings
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    public bool UseTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "incidents@example.org";

    /// <summary>
    /// Keep connections open between mails (default). Off: one connection per mail, for a server that serves one session
    /// at a time (the tests' in-process netDumbster).
    /// </summary>
    public bool ReuseConnections { get; set; } = true;

    /// <summary>How long one SMTP command may take before the attempt counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Open SMTP connections kept for the bulk lane (each one carries one mail at a time).</summary>
    public int PoolSize { get; set; } = 8;

    /// <summary>Open SMTP connections kept for the paging lane alone, so a page never waits for a bulk send.</summary>
    public int PagesPoolSize { get; set; } = 2;
}

/// <summary>One lane's RabbitMQ prefetch and how many of its messages are handled at once.</summary>
/// <summary>The worker heartbeat that lets another worker take over the claims of a dead one.</summary>
public sealed class LivenessSettings
{
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class LaneSettings
{
    public int PrefetchCount { get; set; }

    public int ConcurrentMessageLimit { get; set; }

    /// <summary>How the bulk lane batches SLA warnings (the paging lane does not batch: a page never waits for others).</summary>
    public BatchSettings Batch { get; set; } = new();
}

/// <summary>
/// A batch of bulk notices (MassTransit's <c>Batch&lt;T&gt;</c>): at most <see cref="MessageLimit"/> messages, delivered when
/// full or <see cref="TimeLimit"/> after its first message, <see cref="ConcurrencyLimit"/> batches at once.
/// </summary>
public sealed class BatchSettings
{
    public int MessageLimit { get; set; } = 50;

    public int ConcurrencyLimit { get; set; } = 4;

    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>Who hears that notifications are late, from what delay, and at most how often.</summary>
public sealed class LagAlertSettings
{
    public TimeSpan Threshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Keys of the recipient directory; a key the directory does not hold is skipped (logged).</summary>
    public List<string> Recipients { get; set; } = ["duty-engineer"];

    /// <summary>At most one alert per this interval, however many notifications are late.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>An HTTP SMS gateway: POST {phone, text} as JSON to <c>Url</c>. Empty URL: SMS off.</summary>
public sealed class SmsSettings
{
    public string? Url { get; set; }

    public string? ApiKey { get; set; }
}

public sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public static readonly string[] Triggers =
    [
        NotificationTriggers.IncidentOpened, NotificationTriggers.Escalated, NotificationTriggers.SlaWarning, NotificationTriggers.SlaBreached, "acknowledged", "reclassified", "responder-assigned",
        "responder-dispatched", "responder-on-site", "service-restored", "resolved", "closed", "reopened", "cancelled",
        "comment-added",
    ];

    private static readonly string[] Kinds = ["generic", "wecom", "dingtalk", "feishu"];

    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        var errors = new List<string>();
        if (options.DefaultLanguage is not ("zh-CN" or "en"))
        {
            errors.Add("Dispatch:DefaultLanguage must be zh-CN or en.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            errors.Add($"Dispatch:TimeZone '{options.TimeZone}' is not a time zone this machine knows (use an IANA id such as Asia/Shanghai).");
        }

        foreach (var (lane, settings) in new[] { ("Pages", options.Pages), ("Bulk", options.Bulk) })
        {
            if (settings.ConcurrentMessageLimit is < 1 or > 256 || settings.PrefetchCount < settings.ConcurrentMessageLimit)
            {
                errors.Add($"Dispatch:{lane}: ConcurrentMessageLimit must be 1 to 256 and PrefetchCount at least as large.");
            }
        }

        var batch = options.Bulk.Batch;
        if (batch.MessageLimit is < 1 or > 1000 || batch.ConcurrencyLimit is < 1 or > 64 || batch.TimeLimit <= TimeSpan.Zero)
        {
            errors.Add("Dispatch:Bulk:Batch: MessageLimit must be 1 to 1000, ConcurrencyLimit 1 to 64 and TimeLimit above zero.");
        }
        else if (options.Bulk.ConcurrentMessageLimit < batch.MessageLimit * batch.ConcurrencyLimit)
        {
            errors.Add("Dispatch:Bulk: ConcurrentMessageLimit must hold every batch at once (at least Batch:MessageLimit × Batch:ConcurrencyLimit).");
        }

        if (options.Smtp.PoolSize < 1 || options.Smtp.PagesPoolSize < 1)
        {
            errors.Add("Dispatch:Smtp: PoolSize and PagesPoolSize must be at least 1.");
        }

        if (options.RetryLimit is < 0 or > 20)
        {
            errors.Add("Dispatch:RetryLimit must be between 0 and 20.");
        }

        if (options.Liveness.Heartbeat <= TimeSpan.Zero || options.Liveness.Timeout < 3 * options.Liveness.Heartbeat)
        {
            errors.Add("Dispatch:Liveness:Heartbeat must be positive and Dispatch:Liveness:Timeout at least three heartbeats.");
        }

        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            if (!Triggers.Contains(rule.On))
            {
                errors.Add($"Dispatch:Rules:{i}:On '{rule.On}' is not one of {string.Join(", ", Triggers)}.");
            }

            foreach (var key in rule.Recipients.Where(k => !options.Recipients.ContainsKey(k)))
            {
                errors.Add($"Dispatch:Rules:{i} names recipient '{key}', who is not in Dispatch:Recipients.");
            }
        }

        foreach (var (key, person) in options.Recipients)
        {
            if (person.Language is not (null or "" or "zh-CN" or "en"))
            {
                errors.Add($"Dispatch:Recipients:{key}:Language must be zh-CN or en.");
            }

            foreach (var hook in person.Webhooks)
            {
                if (!Kinds.Contains(hook.Kind))
                {
                    errors.Add($"Dispatch:Recipients:{key}: webhook kind '{hook.Kind}' is not one of {string.Join(", ", Kinds)}.");
                }

                if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out _))
                {
                    errors.Add($"Dispatch:Recipients:{key}: webhook URL '{hook.Url}' is not absolute.");
                }

                if (hook.Kind == "generic" && string.IsNullOrEmpty(hook.Secret))
                {
                    errors.Add($"Dispatch:Recipients:{key}: a generic webhook needs a Secret to sign with.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
