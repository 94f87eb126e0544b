using System.Globalization;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Incidents.Api.Reports.Printing;

/// <summary>
/// The language of a printed document: zh-CN unless the caller asks for English with <c>?lang=en</c> or an
/// <c>Accept-Language</c> that prefers English to Chinese. Dates and times in the service's time zone, formatted for the
/// language; durations in hours and minutes.
/// </summary>
public sealed class PrintLanguage
{
    public static readonly PrintLanguage Chinese = new("zh-CN");
    public static readonly PrintLanguage English = new("en");

    private PrintLanguage(string tag) => (Tag, Culture) = (tag, CultureInfo.GetCultureInfo(tag));

    public string Tag { get; }

    public CultureInfo Culture { get; }

    public bool IsChinese => Tag == "zh-CN";

    /// <summary>The language asked for; null (and an entry in <paramref name="errors"/>) for an unknown <c>lang</c>.</summary>
    public static PrintLanguage? From(HttpContext http, string? lang, Dictionary<string, string[]> errors)
    {
        if (lang is not null)
        {
            var value = lang.Trim();
            if (value.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return Chinese;
            }

            if (value.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return English;
            }

            errors["lang"] = ["Use zh-CN (default) or en."];
            return null;
        }

        if (StringWithQualityHeaderValue.TryParseList(http.Request.Headers.AcceptLanguage.OfType<string>().ToList(), out var accepted))
        {
            foreach (var language in accepted.OrderByDescending(a => a.Quality ?? 1))
            {
                var tag = language.Value.ToString();
                if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
                {
                    return Chinese;
                }

                if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
                {
                    return English;
                }
            }
        }

        return Chinese;
    }

    public string Pick(string chinese, string english) => IsChinese ? chinese : english;

    public string Time(DateTimeOffset? at, TimeZoneInfo zone) => at is not { } value
        ? Pick("—", "—")
        : TimeZoneInfo.ConvertTime(value, zone).ToString(IsChinese ? "yyyy年M月d日 HH:mm" : "yyyy-MM-dd HH:mm", Culture);

    public string Day(DateOnly day) => day.ToString(IsChinese ? "yyyy年M月d日" : "yyyy-MM-dd", Culture);

    public string Duration(TimeSpan? span)
    {
        if (span is not { } value)
        {
            return "—";
        }

        var hours = (int)value.TotalHours;
        var minutes = value.Minutes;
        return IsChinese
            ? (hours > 0 ? $"{hours}小时{minutes}分钟" : $"{minutes}分钟")
            : (hours > 0 ? $"{hours} h {minutes} min" : $"{minutes} min");
    }

    public string Number(long? value) => value is { } n ? n.ToString("N0", Culture) : "—";
}

/// <summary>The language of a printed document, as sent.</summary>
public sealed class PrintQuery
{
    public const string AcceptLanguage = "Languages the reader prefers; English when it prefers en to zh. Default zh-CN.";

    [FromQuery(Name = "lang")]
    [Description("zh-CN (default) or en; wins over Accept-Language.")]
    public string? Lang { get; set; }
}
