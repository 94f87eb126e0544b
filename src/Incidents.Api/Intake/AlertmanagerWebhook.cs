using System.Security.Cryptography;
using System.Text;
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
/// Prometheus Alertmanager's webhook (payload version 4, exactly as Alertmanager sends it; docs/intake.md has the
/// <c>alertmanager.yml</c> receiver). Each alert's fingerprint is its dedup key and its startsAt names the occurrence,
/// so the resends Alertmanager makes at every repeat interval, and retries after a timeout, count once.
/// </summary>
public static class AlertmanagerWebhookEndpoint
{
    [WolverinePost("/api/v1/intake/alertmanager/{integration}", OperationId = "receiveAlertmanagerWebhook")]
    [EndpointSummary("Receive alerts from Prometheus Alertmanager")]
    [EndpointDescription("Alertmanager webhook payload version 4 (`receiver`, `status`, `groupKey`, `truncatedAlerts`, `groupLabels`, " +
        "`commonLabels`, `alerts[]` with `status`, `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`, `generatorURL`). " +
        "Authenticated by the integration's key (`Authorization: Bearer` with the key, or `X-Integration-Key`), not a person's token. " +
        "Firing alerts open or add to incidents (deduplicated by fingerprint, grouped per system); resolved alerts are recorded as " +
        "\"monitoring says recovered\" and never close an incident. 202 lists the incidents touched and any alerts refused; 400 " +
        "when no alert is acceptable. Limits: 1,000 alerts, 64 labels of at most 1 KiB each (16 KiB in all) per alert, 4 MiB.")]
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
        var (found, json, refusal) = await IntakeRequests.OpenAsync(http, session, keys, integration, IntegrationKind.Alertmanager);
        if (found is null || json is null)
        {
            return refusal!;
        }

        using (json)
        {
            var root = json.RootElement;
            var now = clock.GetUtcNow();
            if (root.ValueKind != JsonValueKind.Object)
            {
                return IntakeRequests.Invalid(http, "body", "An Alertmanager webhook payload (a JSON object) is required.");
            }

            if (IntakeRequests.String(root, "version") != "4")
            {
                return IntakeRequests.Invalid(http, "version", "Only Alertmanager webhook payload version \"4\" is accepted.");
            }

            if (IntakeRequests.Property(root, "alerts") is not { ValueKind: JsonValueKind.Array } list)
            {
                return IntakeRequests.Invalid(http, "alerts", "alerts must be an array.");
            }

            if (list.GetArrayLength() > AlertLimits.AlertsPerRequest)
            {
                return IntakeRequests.Invalid(http, "alerts", $"At most {AlertLimits.AlertsPerRequest} alerts per request.");
            }

            return await IntakeRequests.SubmitAsync(http, keys, intake, bus, found, mapping =>
            {
                var accepted = new List<IncomingAlert>();
                var invalid = new List<InvalidAlert>();
                var index = 0;
                foreach (var element in list.EnumerateArray())
                {
                    var (alert, errors) = Read(element, index, mapping, now);
                    if (alert is null)
                    {
                        invalid.Add(new InvalidAlert(index, IntakeRequests.String(element, "fingerprint"), errors));
                    }
                    else
                    {
                        accepted.Add(alert);
                    }

                    index++;
                }

                return (accepted, invalid);
            });
        }
    }

    /// <summary>One alert of the payload as the intake takes it, or what is wrong with it.</summary>
    public static (IncomingAlert? Alert, List<string> Errors) Read(JsonElement element, int index, AlertMapping mapping, DateTimeOffset now)
    {
        var errors = new List<string>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, ["An alert must be an object."]);
        }

        var status = IntakeRequests.String(element, "status");
        if (status is not ("firing" or "resolved"))
        {
            errors.Add("status must be \"firing\" or \"resolved\".");
        }

        var labels = IntakeRequests.Labels(IntakeRequests.Property(element, "labels"), "labels", errors);
        var annotations = IntakeRequests.Labels(IntakeRequests.Property(element, "annotations"), "annotations", errors);
        if (labels.Count == 0 && errors.Count == 0)
        {
            errors.Add("labels are required (at least alertname).");
        }

        var system = mapping.SystemOf(labels);
        if (labels.Count > 0 && system is null)
        {
            errors.Add($"The label '{mapping.SystemLabel}' names the affected system and is missing (the integration has no default system).");
        }
        else if (system is { Length: > FieldLimits.SystemName })
        {
            errors.Add($"The affected system may be at most {FieldLimits.SystemName} characters.");
        }

        var startsText = IntakeRequests.String(element, "startsAt");
        var (occurredAt, startError) = IntakeRequests.StartTime(startsText, "startsAt", now, required: true);
        if (startError is not null)
        {
            errors.Add(startError);
        }

        var fingerprint = IntakeRequests.String(element, "fingerprint");
        if (fingerprint is { Length: > AlertLimits.DedupKey } || (fingerprint is not null && IntakeRequests.HasControl(fingerprint)))
        {
            errors.Add($"fingerprint may be at most {AlertLimits.DedupKey} characters, without control characters.");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // Alertmanager always sends a fingerprint; a hand-made payload without one gets the same kind of key from its labels.
        var key = string.IsNullOrWhiteSpace(fingerprint) ? FingerprintOf(labels) : fingerprint.Trim();
        var name = labels.GetValueOrDefault("alertname") ?? "Alert";
        var summary = annotations.GetValueOrDefault("summary") ?? annotations.GetValueOrDefault("title") ?? name;
        var ends = IntakeRequests.String(element, "endsAt");
        DateTimeOffset? endedAt = status == "resolved" && DateTimeOffset.TryParse(ends, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var e) && e.Year > 1 ? e : null;
        return (new IncomingAlert(
            index,
            key,
            status == "resolved" ? AlertAction.Resolve : AlertAction.Trigger,
            system!,
            mapping.ClassOf(labels),
            IntakeRequests.Clip($"{summary} ({system})", FieldLimits.Title),
            IntakeRequests.Describe(annotations.GetValueOrDefault("description"), labels, IntakeRequests.String(element, "generatorURL")),
            labels.GetValueOrDefault("severity"),
            occurredAt,
            // The occurrence is the start as sent: a resend of the same firing alert carries the same startsAt.
            DateTimeOffset.Parse(startsText!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("O"),
            endedAt), errors);
    }

    private static string FingerprintOf(IReadOnlyDictionary<string, string> labels) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")))))[..16];
}
