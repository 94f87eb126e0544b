using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Incidents.Api.Kpis.Printing;

/// <summary>
/// The language and formats of a printed document: zh-CN unless <c>?lang=</c> or <c>Accept-Language</c> asks for English.
/// Every time is printed in the service's time zone in one format, with the zone named once in the header.
/// </summary>
public sealed class PrintLanguage
{
    public const string QueryDescription = "Language of the document: zh-CN (default) or en. Without it, Accept-Language decides.";

    private PrintLanguage(bool english, TimeZoneInfo zone)
    {
        IsEnglish = english;
        Zone = zone;
        Culture = CultureInfo.GetCultureInfo(english ? "en-GB" : "zh-CN");
    }

    public bool IsEnglish { get; }

    public TimeZoneInfo Zone { get; }

    public CultureInfo Culture { get; }

    /// <summary>The value of the <c>lang</c> attribute.</summary>
    public string Tag => IsEnglish ? "en" : "zh-CN";

    public static PrintLanguage For(HttpContext http, string? lang, TimeZoneInfo zone)
    {
        if (!string.IsNullOrWhiteSpace(lang))
        {
            return new PrintLanguage(lang.StartsWith("en", StringComparison.OrdinalIgnoreCase), zone);
        }

        var accepted = http.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.ToString())
            .FirstOrDefault(l => l.StartsWith("en", StringComparison.OrdinalIgnoreCase) || l.StartsWith("zh", StringComparison.OrdinalIgnoreCase));
        return new PrintLanguage(accepted?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true, zone);
    }

    /// <summary>Chinese or English text.</summary>
    public string T(string zh, string en) => IsEnglish ? en : zh;

    /// <summary>HTML-encoded user text.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The one time format of every printed document: local date and minute in the service's zone.</summary>
    public string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"北京时间 (Asia/Shanghai, UTC+08:00)": named once per document.</summary>
    public string ZoneName()
    {
        var offset = Zone.BaseUtcOffset;
        var utc = $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}";
        return Zone.Id == "Asia/Shanghai"
            ? T($"北京时间（Asia/Shanghai，{utc}）", $"Beijing time (Asia/Shanghai, {utc})")
            : $"{Zone.Id} ({utc})";
    }

    public string Number(double value, int decimals = 0) => value.ToString("N" + decimals, Culture);

    public string Percent(double? value) => value is { } v ? (v * 100).ToString("0.####", Culture) + "%" : T("无数据", "n/a");

    /// <summary>A duration in words: "1小时5分钟" / "1 h 5 min"; seconds below a minute.</summary>
    public string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(Math.Abs(seconds)));
        var sign = seconds < 0 ? "-" : "";
        if (span.TotalMinutes < 1)
        {
            return sign + T($"{span.Seconds}秒", $"{span.Seconds} s");
        }

        var hours = (int)span.TotalHours;
        var text = new StringBuilder(sign);
        if (hours > 0)
        {
            text.Append(T($"{Number(hours)}小时", $"{Number(hours)} h "));
        }

        if (span.Minutes > 0 || hours == 0)
        {
            text.Append(T($"{span.Minutes}分钟", $"{span.Minutes} min"));
        }

        return text.ToString().TrimEnd();
    }

    public string Met(bool? met) => met switch
    {
        true => T("达标", "met"),
        false => T("未达标", "not met"),
        _ => T("无数据", "nothing to judge"),
    };

    /// <summary>The head of a printable page: charset, lang, title, and the CSS with a CJK font stack.</summary>
    public string Head(string title) =>
        $"<!DOCTYPE html><html lang=\"{Tag}\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Css}</style></head><body>";

    public const string Css =
        "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\"," +
        "\"WenQuanYi Micro Hei\",\"Noto Sans\",sans-serif;margin:2em;color:#111}" +
        "table{border-collapse:collapse;margin:0.5em 0 1em}td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}" +
        "th{background:#eee}.miss{color:#b00}.num{text-align:right}.note{color:#444;font-size:0.9em}" +
        "svg text{font-family:inherit}@media print{a{color:inherit}body{margin:1cm}h2{break-after:avoid}table,svg{break-inside:avoid}}";
}
