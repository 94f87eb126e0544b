using System.Globalization;
using System.Xml;

namespace Incidents.Dispatch;

/// <summary>
/// A notice's clock state (the machine-readable code the webhook payload carries, e.g. <c>breached:acknowledge:PT5M</c>)
/// in words a person reads, in zh-CN or English.
/// </summary>
public static class StatusWords
{
    private static readonly Dictionary<string, (string Zh, string En)> Stages = new()
    {
        ["acknowledge"] = ("响应", "acknowledge"), ["on-site"] = ("到场", "on-site"), ["restore"] = ("恢复", "restore"),
    };

    private static readonly Dictionary<string, (string Zh, string En)> Statuses = new()
    {
        ["running"] = ("计时中，待响应", "clock running, awaiting acknowledgement"),
        ["reported"] = ("待响应", "awaiting acknowledgement"),
        ["acknowledged"] = ("已响应", "acknowledged"),
        ["dispatched"] = ("已派人前往", "responder on the way"),
        ["on-site"] = ("人员已到场", "responder on site"),
        ["restored"] = ("服务已恢复", "service restored"),
        ["resolved"] = ("已解决", "resolved"),
        ["closed"] = ("已关闭", "closed"),
        ["cancelled"] = ("已取消", "cancelled"),
    };

    private static readonly Dictionary<string, (string Zh, string En)> Reasons = new()
    {
        ["opened"] = ("新事件", "new incident"),
        ["not-acknowledged"] = ("无人响应", "not acknowledged"),
        ["sla-breached"] = ("超时", "target missed"),
    };

    public static string Describe(string clockState, bool english)
    {
        string Word(Dictionary<string, (string Zh, string En)> words, string key) =>
            words.TryGetValue(key, out var w) ? (english ? w.En : w.Zh) : key;

        switch (clockState.Split(':'))
        {
            case ["warning", var warned, var threshold]:
                var percent = double.TryParse(threshold, CultureInfo.InvariantCulture, out var t) ? $"{t * 100:0}%" : threshold;
                return english
                    ? $"{percent} of the {Word(Stages, warned)} time used"
                    : $"{Word(Stages, warned)}时限已过 {percent}";
            case ["breached", var missed, var target]:
                return english
                    ? $"{Word(Stages, missed)} target of {Duration(target, true)} missed"
                    : $"{Word(Stages, missed)}超时（时限 {Duration(target, false)}）";
            case ["escalated", var level, var name, var reason, .. var rest]:
                var (number, round) = level.TrimStart('L').Split('/') is [var n, var r] ? (n, r.TrimStart('R')) : (level.TrimStart('L'), "1");
                var why = Word(Reasons, reason) + (rest is [var breached] ? (english ? $" ({Word(Stages, breached)})" : $"（{Word(Stages, breached)}）") : "");
                return english
                    ? $"escalated to level {number} ({name}){(round != "1" ? $", round {round}" : "")}: {why}"
                    : $"升级至第 {number} 级（{name}）{(round != "1" ? $"，第 {round} 轮" : "")}，原因：{why}";
            case ["lagging", var seconds, var late]:
                return english
                    ? $"notifications are late: one ({late}) reached its recipients {seconds} s after its event"
                    : $"通知延迟：一条通知（{late}）在事件发生 {seconds} 秒后才送出";
            default:
                return Word(Statuses, clockState);
        }
    }

    /// <summary>An ISO 8601 duration as people say it: PT5M → 5 分钟 / 5 min; PT1H30M → 1 小时 30 分钟.</summary>
    public static string Duration(string iso, bool english)
    {
        TimeSpan span;
        try
        {
            span = XmlConvert.ToTimeSpan(iso);
        }
        catch (FormatException)
        {
            return iso;
        }

        var parts = new List<string>();
        if ((int)span.TotalHours > 0)
        {
            parts.Add(english ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} 小时");
        }

        if (span.Minutes > 0)
        {
            parts.Add(english ? $"{span.Minutes} min" : $"{span.Minutes} 分钟");
        }

        if (span.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(english ? $"{span.Seconds} s" : $"{span.Seconds} 秒");
        }

        return string.Join(" ", parts);
    }
}
