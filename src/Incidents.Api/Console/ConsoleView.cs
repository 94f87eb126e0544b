using System.Globalization;
using System.Security.Claims;

namespace Incidents.Api.WebConsole;

/// <summary>
/// What every console page needs to render: the language (zh-CN first, English on request), the signed-in user and the
/// server's "now" (countdowns tick in the browser from it). Texts are written side by side in the markup,
/// <c>V.T("事件看板", "Incident board")</c>, so a page reads the same in both languages.
/// </summary>
public sealed class ConsoleView(string language, ConsoleUser? user, DateTimeOffset now)
{
    public const string LanguageCookie = "incidents.console.lang";

    public bool English => language == "en";

    /// <summary>The <c>lang</c> attribute of the page.</summary>
    public string Language => English ? "en" : "zh-CN";

    public ConsoleUser? User => user;

    public DateTimeOffset Now => now;

    public string T(string chinese, string english) => English ? english : chinese;

    /// <summary>A time as people here read it: Beijing time (the service's zone), with the zone named.</summary>
    public string Time(DateTimeOffset? at) => at is { } t
        ? TimeZoneInfo.ConvertTime(t, Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + T(" (北京时间)", " (UTC+8)")
        : "—";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A wire value (kebab-case enum) in words.</summary>
    public string Word(string? value) => value is null ? "—" : Words.TryGetValue(value, out var w) ? T(w.Zh, w.En) : value;

    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly Dictionary<string, (string Zh, string En)> Words = new()
    {
        ["reported"] = ("已报告", "reported"),
        ["acknowledged"] = ("已确认", "acknowledged"),
        ["dispatched"] = ("已派人", "dispatched"),
        ["on-site"] = ("已到场", "on site"),
        ["restored"] = ("已恢复", "restored"),
        ["resolved"] = ("已解决", "resolved"),
        ["closed"] = ("已关闭", "closed"),
        ["cancelled"] = ("已取消", "cancelled"),
        ["outage"] = ("服务中断", "outage"),
        ["fault"] = ("故障", "fault"),
        ["major-event"] = ("重大事件", "major event"),
        ["security-event"] = ("安全事件", "security event"),
        ["acknowledge"] = ("响应确认", "acknowledge"),
        ["restore"] = ("服务恢复", "restore"),
        ["running"] = ("计时中", "running"),
        ["met"] = ("已达成", "met"),
        ["breached"] = ("已超时", "breached"),
        ["met-late"] = ("超时后达成", "met late"),
        ["not-applicable"] = ("不适用", "not applicable"),
        ["phone"] = ("电话", "phone"),
        ["email"] = ("邮件", "e-mail"),
        ["instant-message"] = ("即时消息", "instant message"),
        ["monitoring"] = ("监控告警", "monitoring"),
        ["other"] = ("其他", "other"),
        ["delivered"] = ("已送达", "delivered"),
        ["retrying"] = ("重试中", "retrying"),
        ["failed"] = ("失败", "failed"),
        ["superseded"] = ("已过时未发", "superseded"),
        ["hotline"] = ("热线值班台", "hotline desk"),
        ["responder"] = ("工程师", "engineer"),
        ["drill-coordinator"] = ("演练协调人", "drill coordinator"),
        ["supervisor"] = ("主管", "supervisor"),
        ["admin"] = ("管理员", "admin"),
        ["purchaser"] = ("采购人", "purchaser"),
        ["duty-manager"] = ("值班经理", "duty manager"),
        ["rotation"] = ("轮值", "rotation"),
        ["holiday"] = ("节假日", "holiday"),
        ["override"] = ("临时替班", "override"),
        ["swap"] = ("换班", "swap"),
        ["nobody"] = ("无人值班", "nobody"),
        ["scheduled"] = ("已计划", "scheduled"),
        ["started"] = ("进行中", "started"),
        ["completed"] = ("已完成", "completed"),
    };

    /// <summary>The language: <c>?lang=</c> (remembered in a cookie), else the cookie, else zh-CN.</summary>
    public static string LanguageOf(HttpContext http)
    {
        var asked = http.Request.Query["lang"].ToString();
        if (asked is "en" or "zh-CN" or "zh")
        {
            var language = asked == "en" ? "en" : "zh-CN";
            http.Response.Cookies.Append(LanguageCookie, language, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Path = ConsolePaths.Root, MaxAge = TimeSpan.FromDays(365),
                Secure = http.Request.IsHttps,
            });
            return language;
        }

        return http.Request.Cookies[LanguageCookie] == "en" ? "en" : "zh-CN";
    }

    public static ConsoleView For(HttpContext http) =>
        new(LanguageOf(http), ConsoleUser.From(http.User), http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
}

/// <summary>The person signed in to the console, from the console's cookie; <see cref="Token"/> is what the console sends to the API.</summary>
public sealed record ConsoleUser(string Id, string Name, IReadOnlyList<string> Roles, string? Team)
{
    public bool Has(params string[] roles) => Roles.Any(roles.Contains);

    public static ConsoleUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity is not { IsAuthenticated: true, AuthenticationType: ConsoleAuthentication.Scheme })
        {
            return null;
        }

        var id = principal.FindFirstValue(ConsoleAuthentication.IdClaim);
        return id is null
            ? null
            : new ConsoleUser(id, principal.FindFirstValue(ConsoleAuthentication.NameClaim) ?? id,
                principal.FindAll(ConsoleAuthentication.RoleClaim).Select(c => c.Value).ToList(),
                principal.FindFirstValue(ConsoleAuthentication.TeamClaim));
    }
}

/// <summary>The console's URL space.</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string Assets = "/console/assets";
    public const string SignIn = "/console/sign-in";
    public static string Incident(Guid id) => $"/console/incidents/{id}";
}
