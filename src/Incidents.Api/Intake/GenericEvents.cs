using System.Text.Json;
using Incidents.Api.Http;
using Incidents.Domain.Intake;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;
using Wolverine.Runtime;

namespace Incidents.Api.Intake;

/// <summary>
/// The generic events API, close to PagerDuty Events v2: <c>eventAction</c> trigger, acknowledge or resolve, a
/// <c>dedupKey</c>, and a <c>payload</c> with summary, source, severity, timestamp/occurredAt and custom details. PagerDuty's
/// snake_case names (<c>event_action</c>, <c>dedup_key</c>, <c>custom_details</c>) are read too. One event, or an array of up
/// to 1,000.
/// </summary>
public static class GenericEventsEndpoint
{
    [WolverinePost("/api/v1/intake/events/{integration}", OperationId = "receiveEvents")]
    [EndpointSummary("Receive monitoring events (generic API)")]
    [EndpointDescription("One event or an array: `{\"eventAction\":\"trigger\",\"dedupKey\":\"db-7-disk\",\"payload\":{\"summary\":\"Disk full\"," +
        "\"source\":\"settlement-db\",\"severity\":\"critical\",\"occurredAt\":\"2026-11-05T08:00:00Z\",\"customDetails\":{}}}`. " +
        "Authenticated by the integration's key (`Authorization: Bearer` with the key, or `X-Integration-Key`). A trigger with a dedupKey " +
        "already open adds to that incident; send occurredAt so that a retry counts once. acknowledge and resolve are recorded on " +
        "the incident and never close it. 202 lists the incidents touched (and the dedupKey given to a trigger without one).")]
    [AllowAnonymous]
    [DisableRateLimiting]
    [Tags(ApiTags.Intake)]
    [ReadsHeader(IntegrationAuthentication.KeyHeader, "The integration's key (or send it as `Authorization: Bearer <key>`).")]
    [ProducesResponseType<IntakeAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, Problems.ContentType)]
    public static async Task<IResult> Post([System.ComponentModel.Description(PathParameters.IntakeIntegration)] string integration, HttpContext http, IQuerySession session, IntegrationAuthentication keys,
        AlertIntake intake, MessageContext bus, TimeProvider clock)
    {
        var (found, json, refusal) = await IntakeRequests.OpenAsync(http, session, keys, integration, IntegrationKind.Generic);
        if (found is null || json is null)
        {
            return refusal!;
        }

        using (json)
        {
            var root = json.RootElement;
            var items = root.ValueKind switch
            {
                JsonValueKind.Object => [root],
                JsonValueKind.Array => root.EnumerateArray().ToList(),
                _ => null,
            };
            if (items is null || items.Count == 0)
            {
                return IntakeRequests.Invalid(http, "body", "An event object or a non-empty array of events is required.");
            }

            if (items.Count > AlertLimits.AlertsPerRequest)
            {
                return IntakeRequests.Invalid(http, "body", $"At most {AlertLimits.AlertsPerRequest} events per request.");
            }

            var now = clock.GetUtcNow();
            return await IntakeRequests.SubmitAsync(http, keys, intake, bus, found, mapping =>
            {
                var accepted = new List<IncomingAlert>();
                var invalid = new List<InvalidAlert>();
                for (var index = 0; index < items.Count; index++)
                {
                    var (alert, errors) = Read(items[index], index, mapping, now);
                    if (alert is null)
                    {
                        invalid.Add(new InvalidAlert(index, IntakeRequests.String(items[index], "dedupKey", "dedup_key"), errors));
                    }
                    else
                    {
                        accepted.Add(alert);
                    }
                }

                return (accepted, invalid);
            });
        }
    }

    public static (IncomingAlert? Alert, List<string> Errors) Read(JsonElement element, int index, AlertMapping mapping, DateTimeOffset now)
    {
        var errors = new List<string>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, ["An event must be an object."]);
        }

        var action = IntakeRequests.String(element, "eventAction", "event_action") switch
        {
            "trigger" => AlertAction.Trigger,
            "acknowledge" => AlertAction.Acknowledge,
            "resolve" => AlertAction.Resolve,
            _ => (AlertAction?)null,
        };
        if (action is null)
        {
            errors.Add("eventAction must be \"trigger\", \"acknowledge\" or \"resolve\".");
        }

        var dedupKey = IntakeRequests.String(element, "dedupKey", "dedup_key")?.Trim();
        if (dedupKey is { Length: > AlertLimits.DedupKey } || (dedupKey is not null && IntakeRequests.HasControl(dedupKey)))
        {
            errors.Add($"dedupKey may be at most {AlertLimits.DedupKey} characters, without control characters.");
        }
        else if (string.IsNullOrEmpty(dedupKey) && action is AlertAction.Acknowledge or AlertAction.Resolve)
        {
            errors.Add("dedupKey is required to acknowledge or resolve.");
        }

        var payload = IntakeRequests.Property(element, "payload");
        if (action == AlertAction.Trigger && payload.ValueKind != JsonValueKind.Object)
        {
            errors.Add("payload (summary, source, severity) is required to trigger.");
        }

        var summary = IntakeRequests.String(payload, "summary")?.Trim();
        var source = IntakeRequests.String(payload, "source")?.Trim();
        var severity = IntakeRequests.String(payload, "severity")?.Trim();
        var details = IntakeRequests.Labels(IntakeRequests.Property(payload, "customDetails", "custom_details"), "customDetails", errors);
        if (action == AlertAction.Trigger && string.IsNullOrWhiteSpace(summary))
        {
            errors.Add("payload.summary is required to trigger.");
        }

        foreach (var (name, value) in new[] { ("summary", summary), ("source", source), ("severity", severity) })
        {
            if (value is not null && (value.Length > FieldLimits.Summary || IntakeRequests.HasControl(value)))
            {
                errors.Add($"payload.{name} may be at most {FieldLimits.Summary} characters, without control characters.");
            }
        }

        // The labels the mapping reads: the payload's fields, then the custom details.
        var labels = new Dictionary<string, string>(details, StringComparer.Ordinal);
        foreach (var (name, value) in new[] { ("source", source), ("severity", severity), ("component", IntakeRequests.String(payload, "component")),
                     ("group", IntakeRequests.String(payload, "group")), ("class", IntakeRequests.String(payload, "class")) })
        {
            if (value is not null)
            {
                labels[name] = value;
            }
        }

        var system = mapping.SystemOf(labels);
        if (action == AlertAction.Trigger && system is null)
        {
            errors.Add($"'{mapping.SystemLabel}' names the affected system and is missing (the integration has no default system).");
        }
        else if (system is { Length: > FieldLimits.SystemName })
        {
            errors.Add($"The affected system may be at most {FieldLimits.SystemName} characters.");
        }

        var occurredText = IntakeRequests.String(payload, "occurredAt", "timestamp") ?? IntakeRequests.String(element, "occurredAt");
        var (occurredAt, timeError) = IntakeRequests.StartTime(occurredText, "occurredAt", now, required: false);
        if (timeError is not null)
        {
            errors.Add(timeError);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var link = IntakeRequests.String(element, "clientUrl", "client_url");
        return (new IncomingAlert(
            index,
            string.IsNullOrEmpty(dedupKey) ? Guid.NewGuid().ToString("N") : dedupKey,
            action!.Value,
            system ?? "",
            mapping.ClassOf(labels),
            IntakeRequests.Clip(summary ?? dedupKey!, FieldLimits.Title),
            IntakeRequests.Describe(null, labels, link),
            severity,
            occurredAt,
            occurredText is null ? null : DateTimeOffset.Parse(occurredText, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("O")), errors);
    }
}
