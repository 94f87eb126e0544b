using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Incidents.Api.Http;

/// <summary>
/// The one reader of query-string values. Endpoints bind their query as a typed record with <c>[AsParameters]</c> whose
/// properties hold the values as sent (text, so binding itself never fails and nothing is silently dropped); the record
/// reads them through these functions, and every unreadable value becomes an error naming its parameter (a 400
/// <c>request.invalid</c> problem, <see cref="Problems.Validation"/>).
/// </summary>
public static partial class QueryValues
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339Pattern();

    private static Regex Rfc3339 => Rfc3339Pattern();

    /// <summary>The wire name of an enum value: kebab-case, as in JSON (<c>MajorEvent</c> → <c>major-event</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Enum values in kebab-case, repeated (<c>?a=x&amp;a=y</c>) or comma-separated (<c>?a=x,y</c>).</summary>
    public static T[] Enums<T>(IEnumerable<string?>? values, string name, IDictionary<string, string[]> errors) where T : struct, Enum
    {
        var parsed = new List<T>();
        foreach (var value in (values ?? []).SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var match = System.Enum.GetValues<T>().Where(e => Name(e) == value).ToList();
            if (match.Count == 1)
            {
                parsed.Add(match[0]);
            }
            else
            {
                errors[name] = [$"'{value}' is not one of: {string.Join(", ", System.Enum.GetValues<T>().Select(Name))}."];
            }
        }

        return parsed.Distinct().ToArray();
    }

    /// <summary>One enum value in kebab-case; null when absent. <paramref name="message"/> explains a bad one.</summary>
    public static T? OneOf<T>(string? raw, string name, string message, IDictionary<string, string[]> errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        foreach (var value in System.Enum.GetValues<T>())
        {
            if (Name(value) == raw)
            {
                return value;
            }
        }

        errors[name] = [message];
        return null;
    }

    /// <summary>An RFC 3339 timestamp with an offset, in UTC; null when absent.</summary>
    public static DateTimeOffset? Time(string? raw, string name, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
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

    /// <summary>Free text: at most <paramref name="max"/> characters, no control characters; null when absent.</summary>
    public static string? Text(string? raw, string name, int max, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
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

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> (digits only); <paramref name="fallback"/> when absent.</summary>
    public static int Int(string? raw, string name, int fallback, int min, int max, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
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

    /// <summary>A positive whole number (digits only) up to <see cref="long.MaxValue"/>; null when absent.</summary>
    public static long? PositiveLong(string? raw, string name, string message, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }

        errors[name] = [message];
        return null;
    }

    /// <summary>An id (a UUID); null when absent.</summary>
    public static Guid? Id(string? raw, string name, string message, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (Guid.TryParse(raw, out var id))
        {
            return id;
        }

        errors[name] = [message];
        return null;
    }
}
