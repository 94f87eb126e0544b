using System.Globalization;

namespace Incidents.Api.Http;

/// <summary>ETags are the incident stream's version: <c>"7"</c>. Writes may send it back as <c>If-Match</c>.</summary>
public static class ETags
{
    /// <summary>What the API reference says about <c>If-Match</c> on a step.</summary>
    public const string IfMatchDescription =
        "The ETag (version) of the resource as read, e.g. \"3\": the step is refused with 412 when it has changed since. Absent or *: no check.";

    /// <summary>What the API reference says about <c>If-None-Match</c> on a read.</summary>
    public const string IfNoneMatchDescription = "The ETag last seen: 304 Not Modified, without a body, when the resource is unchanged.";

    public static string For(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Parses If-Match. Absent or <c>*</c>: no expectation. Unparseable: <c>Invalid</c>.</summary>
    public static (bool Invalid, long? Expected) ExpectedVersion(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*")
        {
            return (false, null);
        }

        if (raw.StartsWith("W/", StringComparison.Ordinal))
        {
            raw = raw[2..];
        }

        raw = raw.Trim('"');
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? (false, version)
            : (true, null);
    }

    /// <summary>If-None-Match semantics: <c>*</c>, or any listed tag (weak or strong) naming this version.</summary>
    public static bool Matches(string header, long version) =>
        header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(tag => tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == For(version));

    public static IResult InvalidIfMatch(HttpContext http) => Problems.Result(Problems.Create(http,
        StatusCodes.Status400BadRequest, "request.invalid-if-match", "Invalid If-Match",
        "If-Match must be the ETag of the incident as read, e.g. \"3\"."));
}
