using System.Text;
using System.Text.Json;
using Incidents.Api.Http;
using Incidents.Domain.Intake;
using Wolverine.Runtime;

namespace Incidents.Api.Intake;

/// <summary>One alert the intake refused, by its place in the request, with why.</summary>
public sealed record InvalidAlert(int Index, string? DedupKey, IReadOnlyList<string> Errors);

/// <summary>What happened to one accepted alert.</summary>
public sealed record AlertResultResource(int Index, string DedupKey, AlertOutcome Outcome, Guid? IncidentId);

/// <summary>
/// The answer to an intake request (202): the incidents the request touched, a line per accepted alert, and the alerts
/// refused (a partly valid batch stores the valid ones).
/// </summary>
public sealed record IntakeAccepted(
    IReadOnlyList<Guid> Incidents,
    int Accepted,
    int Duplicates,
    IReadOnlyList<AlertResultResource> Alerts,
    IReadOnlyList<InvalidAlert> Invalid);

/// <summary>What the two intake endpoints share: reading the body (size, UTF-8, JSON), the label caps, and the answer.</summary>
public static class IntakeRequests
{
    /// <summary>A full Alertmanager group can be large; the API's default limit is 256 KiB.</summary>
    public const long MaxBody = 4 * 1024 * 1024;

    /// <summary>
    /// The start both endpoints share: the integration's key checked for its kind, then the body read as JSON. Either the
    /// caller and the document (the endpoint disposes it), or the refusal to answer with.
    /// </summary>
    public static async Task<(IntakeCaller? Caller, JsonDocument? Json, IResult? Refusal)> OpenAsync(HttpContext http,
        Marten.IQuerySession session, IntegrationAuthentication keys, string integration, IntegrationKind kind)
    {
        var (caller, refusal) = await keys.AuthenticateAsync(http, session, integration, kind);
        if (caller is null)
        {
            return (null, null, refusal);
        }

        var (json, unreadable) = await ReadJsonAsync(http);
        return json is null ? (null, null, unreadable) : (caller, json, null);
    }

    private static async Task<(JsonDocument? Json, IResult? Refusal)> ReadJsonAsync(HttpContext http)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBody;
        }

        using var buffer = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return (null, Invalid(http, "body", $"The body may be at most {MaxBody / 1024 / 1024} MiB."));
        }

        if (buffer.Length > MaxBody)
        {
            return (null, Invalid(http, "body", $"The body may be at most {MaxBody / 1024 / 1024} MiB."));
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length == 0)
        {
            return (null, Invalid(http, "body", "A JSON body is required."));
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (null, Invalid(http, "body", "The body is not valid UTF-8."));
        }

        try
        {
            // Parsed in place: the document keeps the stream's buffer (a disposed MemoryStream leaves it intact), no copy.
            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 32 }), null);
        }
        catch (JsonException e)
        {
            return (null, Invalid(http, "body", $"The body is not valid JSON: {e.Message}"));
        }
    }

    /// <summary>
    /// Reads the request's alerts with the integration's mapping, submits the acceptable ones to the intake and answers 202
    /// once they are written. When the integration changed between the read and the write (a new mapping, on any node) the
    /// alerts are read again with it; when its key no longer admits the caller, 401.
    /// </summary>
    public static async Task<IResult> SubmitAsync(HttpContext http, IntegrationAuthentication keys, AlertIntake intake, MessageContext bus,
        IntakeCaller caller, Func<AlertMapping, (List<IncomingAlert> Accepted, List<InvalidAlert> Invalid)> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (accepted, invalid) = read(caller.Integration.Mapping);
            if (accepted.Count == 0)
            {
                return NoneValid(http, invalid);
            }

            var submission = await intake.SubmitAsync(caller, accepted, http, bus);
            switch (submission.Status)
            {
                case IntakeSubmissionStatus.Written:
                    return Accepted(accepted, submission.Results, invalid);
                case IntakeSubmissionStatus.IntegrationChanged when attempt < 4 && submission.Current is { } current:
                    caller = current;
                    continue;
                case IntakeSubmissionStatus.IntegrationChanged:
                    throw new InvalidOperationException($"Integration {caller.Integration.Id} kept changing while its alerts were read.");
                default:
                    return keys.Refuse(http);
            }
        }
    }

    public static IResult Invalid(HttpContext http, string field, string message) =>
        Problems.Validation(http, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The answer when no alert of the request was acceptable: 400 naming each one.</summary>
    public static IResult NoneValid(HttpContext http, IReadOnlyList<InvalidAlert> invalid) =>
        Problems.Validation(http, invalid.Count == 0
            ? new Dictionary<string, string[]> { ["alerts"] = ["At least one alert is required."] }
            : invalid.ToDictionary(i => $"alerts[{i.Index}]", i => i.Errors.ToArray()));

    public static IResult Accepted(IReadOnlyList<IncomingAlert> alerts, IReadOnlyList<AlertResult> results, IReadOnlyList<InvalidAlert> invalid)
    {
        var keys = alerts.ToDictionary(a => a.Index, a => a.DedupKey);
        return TypedResults.Json(new IntakeAccepted(
            results.Select(r => r.IncidentId).OfType<Guid>().Distinct().ToList(),
            results.Count(r => r.Outcome != AlertOutcome.Duplicate),
            results.Count(r => r.Outcome == AlertOutcome.Duplicate),
            results.Select(r => new AlertResultResource(r.Index, keys[r.Index], r.Outcome, r.IncidentId)).ToList(),
            invalid), statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Reads a JSON object of string values (labels, annotations) within the caps; adds what is wrong to <paramref name="errors"/>.</summary>
    public static Dictionary<string, string> Labels(JsonElement element, string field, List<string> errors, bool capped = true)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return labels;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{field} must be an object of strings.");
            return labels;
        }

        var bytes = 0;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => null,
            };
            if (value is null)
            {
                errors.Add($"{field}.{property.Name} must be a string.");
                continue;
            }

            if (HasControl(property.Name) || HasControl(value))
            {
                errors.Add($"{field}.{property.Name} holds control characters.");
                continue;
            }

            labels[property.Name] = value;
            bytes += Encoding.UTF8.GetByteCount(property.Name) + Encoding.UTF8.GetByteCount(value);
            if (capped && (property.Name.Length > AlertLimits.LabelName || value.Length > AlertLimits.LabelValue))
            {
                errors.Add($"{field}.{property.Name}: names may be {AlertLimits.LabelName} and values {AlertLimits.LabelValue} characters at most.");
            }
        }

        if (labels.Count > AlertLimits.Labels)
        {
            errors.Add($"{field} may hold {AlertLimits.Labels} entries at most ({labels.Count} sent).");
        }

        if (bytes > AlertLimits.LabelBytes)
        {
            errors.Add($"{field} may hold {AlertLimits.LabelBytes} bytes at most ({bytes} sent).");
        }

        return labels;
    }

    public static string? String(JsonElement parent, params string[] names)
    {
        foreach (var name in names)
        {
            if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    public static JsonElement Property(JsonElement parent, params string[] names)
    {
        foreach (var name in names)
        {
            if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value))
            {
                return value;
            }
        }

        return default;
    }

    public static bool HasControl(string text) => text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    public static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>An incident description from an alert: its description annotation, then its labels.</summary>
    public static string Describe(string? description, IReadOnlyDictionary<string, string> labels, string? link)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(description))
        {
            text.AppendLine(description.Trim()).AppendLine();
        }

        text.AppendLine("Labels: " + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        if (!string.IsNullOrWhiteSpace(link))
        {
            text.AppendLine("Source: " + link.Trim());
        }

        return Clip(text.ToString().TrimEnd(), FieldLimits.Description);
    }

    /// <summary>The occurred-at of an alert that started at <paramref name="startsAt"/>: refused when in the future beyond clock skew.</summary>
    public static (DateTimeOffset? OccurredAt, string? Error) StartTime(string? text, string field, DateTimeOffset now, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, required ? $"{field} is required." : null);
        }

        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.RoundtripKind, out var at))
        {
            return (null, $"{field} must be an RFC 3339 time.");
        }

        if (at > now + AlertLimits.ClockSkew)
        {
            return (null, $"{field} may not be in the future.");
        }

        // Within the skew counts as now; older than the 7 days an incident's occurred-at may reach back is left out (the
        // alert still counts).
        var clamped = at > now ? now : at;
        return (now - clamped > AlertLimits.OccurredAtReach ? null : clamped, null);
    }
}
