using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Incidents.Api.Http;

/// <summary>Reads query-string filters; every unreadable value becomes an error naming its parameter.</summary>
public static partial class QueryValues
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339Pattern();

    private static Regex Rfc3339 => Rfc3339Pattern();

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Enum values in kebab-case, repeated (<c>?a=x&amp;a=y</c>) or comma-separated (<c>?a=x,y</c>).</summary>
    public static T[] Enums<T>(IQueryCollection query, string name, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        var parsed = new List<T>();
        foreach (var value in query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var match = Enum.GetValues<T>().Where(e => Name(e) == value).ToList();
            if (match.Count == 1)
            {
                parsed.Add(match[0]);
            }
            else
            {
                errors[name] = [$"'{value}' is not one of: {string.Join(", ", Enum.GetValues<T>().Select(Name))}."];
            }
        }

        return parsed.Distinct().ToArray();
    }

    public static DateTimeOffset? Time(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        if (Rfc3339.IsMatch(raw)
            && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value.ToUniversalTime();
        }

        errors[name] = ["Use an RFC 3339 timestamp, e.g. 2026-12-01T08:00:00+08:00."];
        return null;
    }

    /// <summary>Free text: at most <paramref name="max"/> characters, no control characters.</summary>
    public static string? Text(IQueryCollection query, string name, int max, Dictionary<string, string[]> errors)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        if (raw.Length > max || raw.Any(char.IsControl))
        {
            errors[name] = [$"At most {max} characters, without control characters."];
            return null;
        }

        return raw;
    }

    public static int Int(IQueryCollection query, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[name] = [$"A whole number from {min} to {max}."];
        return fallback;
    }
}
