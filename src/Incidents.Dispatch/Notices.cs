using Incidents.Contracts;

namespace Incidents.Dispatch;

/// <summary>What is announced, independent of the contract it came from.</summary>
public sealed record Notice(
    Guid IncidentId,
    string Trigger,
    long SourceVersion,
    string Title,
    string Class,
    string AffectedSystem,
    bool IsDrill,
    string ClockState,
    DateTimeOffset At,
    IReadOnlyList<string>? Recipients = null,
    IReadOnlyList<PagedRecipient>? Paged = null)
{
    /// <summary>The SLA stage a warning or breach is about (acknowledge, on-site, restore); null for other notices.</summary>
    public string? Stage { get; init; }

    /// <summary>Came on the paging lane (mail goes over the paging lane's own SMTP connections).</summary>
    public bool IsPage { get; init; }

    /// <summary>The delay from the announced event to <paramref name="now"/> (never negative: clocks of two hosts differ slightly).</summary>
    public TimeSpan LagAt(DateTimeOffset now) => now > At ? now - At : TimeSpan.Zero;

    /// <summary>The key a delivery is remembered by: the same change to the same person on the same channel is sent once.</summary>
    public string DeliveryKey(string recipient, string channel) => $"{IncidentId:N}:{SourceVersion}:{Trigger}:{recipient}:{channel}";

    public static Notice From(IncidentOpened m) =>
        new(m.IncidentId, NotificationTriggers.IncidentOpened, m.StreamVersion, m.Title, m.Class, m.AffectedSystem, m.IsDrill, "running", m.ReportedAt);

    public static Notice From(IncidentLifecycleChanged m) =>
        new(m.IncidentId, m.Step, m.StreamVersion, m.Detail ?? "", m.Class, m.AffectedSystem, m.IsDrill, m.Status, m.OccurredAt);

    public static Notice From(IncidentSlaBreached m) =>
        new(m.IncidentId, NotificationTriggers.SlaBreached, m.StreamVersion, m.Title, m.Class, m.AffectedSystem, m.IsDrill,
            $"breached:{m.Stage}:{m.Target}", m.DueAt) { Stage = m.Stage };

    public static Notice From(IncidentEscalated m) =>
        new(m.IncidentId, NotificationTriggers.Escalated, m.StreamVersion, m.Title, m.Class, m.AffectedSystem, m.IsDrill,
            $"escalated:L{m.Level}{(m.Round > 1 ? $"/R{m.Round}" : "")}:{m.LevelName}:{m.Reason}{(m.BreachedStage is { } s ? $":{s}" : "")}",
            m.RaisedAt, m.Recipients, m.Paged);

    public static Notice From(IncidentSlaWarning m) =>
        new(m.IncidentId, NotificationTriggers.SlaWarning, m.StreamVersion, m.Title, m.Class, m.AffectedSystem, m.IsDrill,
            $"warning:{m.Stage}:{m.Threshold:0.##}", m.WarnedAt) { Stage = m.Stage };

    /// <summary>
    /// The worker's own notice that notifications are late: <paramref name="late"/> reached its recipients
    /// <paramref name="lag"/> after its event. Sent to the on-duty engineer, about the incident of the late notice.
    /// </summary>
    public static Notice Lagging(Notice late, TimeSpan lag, DateTimeOffset now, IReadOnlyList<string> recipients) =>
        new(late.IncidentId, NotificationTriggers.DispatchLagging, late.SourceVersion, late.Title, late.Class, late.AffectedSystem,
            late.IsDrill, $"lagging:{(long)lag.TotalSeconds}:{late.Trigger}", now, recipients) { IsPage = true };
}

/// <summary>A rendered message in one language: subject and body for mail and chat, <see cref="Short"/> for SMS.</summary>
public sealed record RenderedMessage(string Subject, string Body, string Short = "");

/// <summary>Templates in Simplified Chinese (default) and English. Drill messages start with the drill mark.</summary>
public static class Templates
{
    public const string DrillMark = "【演练/DRILL】";

    private static readonly Dictionary<string, (string Zh, string En)> TriggerNames = new()
    {
        [NotificationTriggers.IncidentOpened] = ("新事件", "New incident"),
        [NotificationTriggers.Escalated] = ("事件升级", "Escalation"),
        [NotificationTriggers.SlaWarning] = ("时限预警", "SLA warning"),
        [NotificationTriggers.SlaBreached] = ("超时", "SLA breached"),
        [NotificationTriggers.DispatchLagging] = ("通知延迟", "Notifications late"),
        ["acknowledged"] = ("已响应", "Acknowledged"),
        ["service-restored"] = ("服务已恢复", "Service restored"),
        ["resolved"] = ("已解决", "Resolved"),
        ["closed"] = ("已关闭", "Closed"),
        ["reopened"] = ("已重新打开", "Reopened"),
        ["cancelled"] = ("已取消", "Cancelled"),
    };

    private static readonly Dictionary<string, string> ClassNamesZh = new()
    {
        ["outage"] = "服务中断", ["fault"] = "故障", ["major-event"] = "重大事件", ["security-event"] = "安全事件",
    };

    /// <summary>One SMS segment of Chinese text (UCS-2) holds 70 characters.</summary>
    public const int SmsLength = 70;

    /// <summary>
    /// The message for one notice: times in the service's time zone with the zone named, the clock's state in words, a
    /// link to the incident; and a short form for SMS that fits one segment.
    /// </summary>
    public static RenderedMessage Render(Notice notice, string language, string linkBase, TimeZoneInfo zone)
    {
        var english = language == "en";
        var names = TriggerNames.GetValueOrDefault(notice.Trigger, (notice.Trigger, notice.Trigger));
        var what = english ? names.Item2 : names.Item1;
        if (notice.Trigger == NotificationTriggers.Escalated && notice.ClockState.Split(':') is [_, var level, ..])
        {
            what += " " + level.Split('/')[0];
        }

        var cls = english ? notice.Class : ClassNamesZh.GetValueOrDefault(notice.Class, notice.Class);
        var mark = notice.IsDrill ? DrillMark + " " : "";
        var link = $"{linkBase.TrimEnd('/')}/{notice.IncidentId}";
        var title = string.IsNullOrWhiteSpace(notice.Title) ? notice.AffectedSystem : notice.Title;
        var subject = english
            ? $"{mark}[{what}] {cls} - {notice.AffectedSystem}: {title}"
            : $"{mark}【{what}】{cls} - {notice.AffectedSystem}：{title}";
        var local = TimeZoneInfo.ConvertTime(notice.At, zone);
        var offset = local.Offset >= TimeSpan.Zero ? $"+{local.Offset:hh\\:mm}" : $"-{local.Offset:hh\\:mm}";
        var at = local.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var status = StatusWords.Describe(notice.ClockState, english);
        var body = english
            ? $"{mark}{what}: {title}\nClass: {cls}\nSystem: {notice.AffectedSystem}\nStatus: {status}\nAt: {at} (UTC{offset}, {zone.Id})\nLink: {link}\n"
            : $"{mark}{what}：{title}\n类别：{cls}\n系统：{notice.AffectedSystem}\n状态：{status}\n时间：{at}（UTC{offset}，{zone.Id}）\n链接：{link}\n";
        var shortAt = local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var sms = english
            ? $"{(notice.IsDrill ? "[DRILL]" : "")}[{what}] {notice.AffectedSystem}: {status} {shortAt}"
            : $"{(notice.IsDrill ? "【演练】" : "")}【{what}】{notice.AffectedSystem}：{status} {shortAt}";
        return new RenderedMessage(subject, body, Fit(sms, SmsLength));
    }

    /// <summary>Cuts text to <paramref name="length"/> characters, marking the cut with an ellipsis.</summary>
    public static string Fit(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
