using FluentValidation;
using FluentValidation.Validators;
using Incidents.Api.Http;
using Incidents.Api.Incidents.Reporting;
using Incidents.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Incidents.Api.Configuration;

/// <summary>
/// Completes the OpenAPI document where endpoint metadata cannot say it: summaries, the bearer-token scheme and the roles
/// of each operation, the headers writes take,
/// the query filters that endpoints read themselves, and no responses the API never gives.
/// </summary>
public static class OpenApiDocumentation
{
    private const string BearerScheme = "Bearer";

    private sealed record Query(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String);

    private static readonly Dictionary<string, (string Summary, string Description)> Operations = new()
    {
        ["reportIncident"] = ("Report an incident", "Records a call, e-mail, IM message or alarm. Send Idempotency-Key so a retried call returns the first incident instead of creating a second."),
        ["getIncident"] = ("Get one incident", "The incident with its version as the ETag; If-None-Match with that ETag answers 304."),
        ["listIncidents"] = ("List incidents", "Newest first, filtered and paged. Drills are excluded unless drills=include or drills=only."),
        ["getIncidentTimeline"] = ("Timeline of an incident", "Every event of the incident in order: what, who, when, with the stored event."),
        ["getIncidentNotifications"] = ("Who was told", "Every announced change (report, steps, SLA warnings and breaches, escalation levels) with the deliveries the notification worker recorded: recipient, channel, outcome, attempts, when. Filters: trigger, recipient."),
        ["acknowledgeIncident"] = ("Acknowledge", "Someone owns the incident: stops the acknowledge clock."),
        ["reclassifyIncident"] = ("Reclassify", "Changes the class; running SLA stages are re-targeted from the original report time."),
        ["assignResponder"] = ("Assign a responder", "Puts an engineer on the incident."),
        ["dispatchResponder"] = ("Dispatch a responder", "An assigned engineer is on the way. The body is optional."),
        ["recordArrivalOnSite"] = ("Record arrival on site", "A dispatched engineer reached the site; the first arrival stops the on-site clock."),
        ["restoreService"] = ("Record service restored", "The affected service works again: stops the restore clock (and the on-site clock if nobody arrived)."),
        ["resolveIncident"] = ("Resolve", "The cause is understood and dealt with. Outages and major events must be restored first."),
        ["closeIncident"] = ("Close", "Finishes a resolved incident, optionally with the reporter's satisfaction (1-5). The body is optional."),
        ["reopenIncident"] = ("Reopen", "The problem is back: a resolved or closed incident is worked again."),
        ["cancelIncident"] = ("Cancel", "A false alarm, or a duplicate of another (existing) incident. Final."),
        ["commentOnIncident"] = ("Comment", "Adds a note to the record; allowed in every state."),
        ["getIncidentClocks"] = ("SLA clocks of an incident", "Each stage: status, target, due time, elapsed and remaining time, warnings, breach on record."),
        ["getSlaBoard"] = ("SLA board", "Every open SLA stage, least time left first, with warning and breached flags."),
        ["verifyIncidentIntegrity"] = ("Verify an incident's event chain", "Recomputes the hash chain of the incident's events and names the first broken link, if any."),
        ["scheduleDrill"] = ("Schedule a drill", "Plans an exercise; at its planned start a durable timer reports the synthetic incident. Optional injects (at most 20) are scripted follow-ups at an ISO 8601 offset after the start: reclassifyTo and/or a comment the caller adds, applied by the drill script. 422 for a start in the past, an unknown system, an overlapping drill, an inject outside the expected duration or reclassifying to the class the incident already has at that point."),
        ["getDrill"] = ("Get one drill", "The drill with its version as the ETag and its injects (pending, applied, skipped, not-fired); If-None-Match with that ETag answers 304."),
        ["listDrills"] = ("List drills", "Upcoming (still scheduled, soonest first), past (latest first) or all."),
        ["rescheduleDrill"] = ("Reschedule a drill", "Moves a scheduled drill's planned start; the old start's timer then does nothing."),
        ["startDrill"] = ("Start a drill by hand", "Reports the drill's synthetic incident now, as the timer would at the planned start."),
        ["completeDrill"] = ("Complete a drill", "Ends a running drill with the objectives met and the lessons learned."),
        ["cancelDrill"] = ("Cancel a drill", "Calls off a scheduled or running drill, with a reason. A finished drill: 409."),
        ["getDrillScorecard"] = ("Drill scorecard", "Per SLA stage target against actual time, who acknowledged, notifications, each inject (planned time, when recorded, applied or skipped with the reason), objectives met, lessons learned."),
        ["getDrillScorecardReport"] = ("Drill scorecard (Markdown)", "The scorecard as a printable Markdown report."),
        ["getDrillCalendar"] = ("Drill calendar (iCalendar)", "An .ics feed of scheduled and running drills for calendar applications."),
        ["getDrillCompliance"] = ("Yearly drill compliance", "Drills completed per kind in a year against the configured minimum (Drills:MinimumPerYear)."),
        ["getKpis"] = ("KPIs for a period", "Supervisor KPIs for a year, month or day in the service's time zone: counts, times to each step (mean, p50, p90), SLA attainment per stage, response, resolution and satisfaction rates, availability per system, each with its target and the incidents behind it (docs/kpis.md). Evidence lists (incidentIds, shortfall, missedIncidents, outages) hold at most `evidenceLimit` (100) ids, the first by report time; the figure's own count says how many there are. `evidence=all` (or a `position`) lists every id, computed in memory from the per-incident facts: slower for a large period. A year's p50/p90 without a class or system filter come from histograms: the exact value rounded down to three significant figures (whole seconds below 100 s)."),
        ["getKpisCsv"] = ("KPIs as CSV", "The same figures as CSV: one line per figure and scope, then one per bucket."),
        ["getMonthlyReport"] = ("Monthly service report", "The report on a month (yyyy-MM): KPIs against contract targets, daily counts, outages with restore times, breaches with reasons, drills held, due date and issues."),
        ["getMonthlyReportHtml"] = ("Monthly service report (HTML)", "The monthly report as a printable HTML page with inline SVG charts."),
        ["getReportDueDates"] = ("Monthly report due dates", "Each month's report due date (5th working day of the next month on the official PRC calendar), provisional for years without a schedule, and whether it was issued on time."),
        ["issueMonthlyReport"] = ("Issue the monthly report", "Records that the report on a finished month was issued, on time or late, with the event-store position its figures were computed at. 422 while the month is not over."),
        ["verifyStoreIntegrity"] = ("Verify the whole event store", "Recomputes the hash chains of a page of incidents (after, limit); follow next for the rest. Stops at the first broken link."),
    };

    private static readonly Dictionary<string, Query[]> Filters = new()
    {
        ["getIncidentNotifications"] =
        [
            new("trigger", "Only announcements of this kind: incident-opened, escalated, sla-warning, sla-breached, acknowledged, service-restored, ..."),
            new("recipient", "Only deliveries to this recipient (a key of the worker's directory, e.g. project-manager), and only the announcements they were told of."),
        ],
        ["listIncidents"] =
        [
            new("status", "Statuses, repeated or comma-separated: reported, acknowledged, dispatched, on-site, restored, resolved, closed, cancelled."),
            new("class", "Classes, repeated or comma-separated: outage, fault, major-event, security-event."),
            new("system", "Affected system, exact match."),
            new("from", "Reported at or after this RFC 3339 time (with offset)."),
            new("to", "Reported before this RFC 3339 time (with offset)."),
            new("drills", "exclude (default), include or only."),
            new("page", "Page number from 1.", JsonSchemaType.Integer),
            new("pageSize", "Items per page, 1 to 200 (default 50).", JsonSchemaType.Integer),
        ],
        ["listDrills"] =
        [
            new("when", "all (default), upcoming or past."),
            new("kind", "Kinds, repeated or comma-separated: cloud-platform-emergency-drill, data-disaster-recovery-drill, emergency-plan-exercise, security-incident-drill."),
            new("status", "Statuses, repeated or comma-separated: scheduled, started, completed, cancelled."),
            new("system", "Affected system, exact match."),
            new("page", "Page number from 1.", JsonSchemaType.Integer),
            new("pageSize", "Items per page, 1 to 200 (default 50).", JsonSchemaType.Integer),
        ],
        ["getKpis"] = [
            new("period", "A year (2026), month (2026-11) or day (2026-11-05) in the service's time zone (default: this month)."),
            new("by", "Buckets: day, month or year (not coarser than the period)."),
            new("class", "Classes, repeated or comma-separated: outage, fault, major-event, security-event."),
            new("system", "Affected system, exact match."),
            new("drills", "exclude (default), include or only."),
            new("position", "Event-store position of an earlier answer: recompute from the events up to it.", JsonSchemaType.Integer),
            new("asOf", "Judge running clocks at this RFC 3339 instant (default: the period end, or now)."),
            new("evidence", "capped (default: at most 100 ids per evidence list, exact figures) or all (every id; the complete in-memory computation)."),
        ],
        ["getKpisCsv"] = [
            new("period", "A year (2026), month (2026-11) or day (2026-11-05) in the service's time zone (default: this month)."),
            new("by", "Buckets: day, month or year (not coarser than the period)."),
            new("class", "Classes, repeated or comma-separated: outage, fault, major-event, security-event."),
            new("system", "Affected system, exact match."),
            new("drills", "exclude (default), include or only."),
            new("position", "Event-store position of an earlier answer: recompute from the events up to it.", JsonSchemaType.Integer),
            new("asOf", "Judge running clocks at this RFC 3339 instant (default: the period end, or now)."),
            new("evidence", "capped (default: at most 100 ids per evidence list, exact figures) or all (every id; the complete in-memory computation)."),
        ],
        ["getReportDueDates"] = [new("year", "Calendar year (default: this year).", JsonSchemaType.Integer)],
        ["getMonthlyReport"] = [
            new("class", "Classes, repeated or comma-separated: outage, fault, major-event, security-event."),
            new("system", "Affected system, exact match."),
            new("drills", "exclude (default), include or only (drills held are listed regardless)."),
            new("position", "Event-store position of an issued report: recompute from the events up to it.", JsonSchemaType.Integer),
            new("asOf", "Judge running clocks at this RFC 3339 instant (default: the month's end, or now)."),
        ],
        ["getMonthlyReportHtml"] = [
            new("class", "Classes, repeated or comma-separated: outage, fault, major-event, security-event."),
            new("system", "Affected system, exact match."),
            new("drills", "exclude (default), include or only (drills held are listed regardless)."),
            new("position", "Event-store position of an issued report: recompute from the events up to it.", JsonSchemaType.Integer),
            new("asOf", "Judge running clocks at this RFC 3339 instant (default: the month's end, or now)."),
        ],
        ["getDrillCompliance"] = [new("year", "Calendar year (default: this year).", JsonSchemaType.Integer)],
        ["getSlaBoard"] =
        [
            new("class", "Classes, repeated or comma-separated."),
            new("system", "Affected system, exact match."),
            new("drills", "include (default), exclude or only."),
            new("limit", "At most this many incidents, 1 to 500 (default 100).", JsonSchemaType.Integer),
        ],
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Incidents API";
            document.Info.Description = "Incident and emergency response for the hotline desk: every step an immutable event. " +
                "Errors are RFC 9457 problems with type urn:incidents:problem:<code>.";
            document.Components?.Schemas?.Remove("IResult");
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An OpenID Connect access token with the user's id (sub), name and role claims; see docs/security.md. " +
                    "Missing or invalid: 401 auth.unauthenticated; role not allowed: 403 auth.forbidden.",
            };
            foreach (var (path, item) in document.Paths)
            {
                if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
                {
                    continue;
                }

                foreach (var operation in item.Operations.Values)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                }
            }

            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (RequiredByValidators(context.JsonTypeInfo.Type) is { } required)
            {
                schema.Required = required;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var id = operation.OperationId ?? "";
        if (Operations.TryGetValue(id, out var text))
        {
            operation.Summary = text.Summary;
            operation.Description = text.Description;
        }

        var policy = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        if (policy is not null && Policies.RolesOf.TryGetValue(policy, out var roles))
        {
            operation.Description = $"{operation.Description} Roles: {string.Join(", ", roles)} (docs/security.md).".Trim();
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, response) in operation.Responses.ToList())
        {
            var refersToIResult = response.Content?.Values.Any(c => c.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }) == true;
            var notFoundWithoutId = status == "404" && !(context.Description.RelativePath ?? "").Contains("{id}", StringComparison.Ordinal);
            if (refersToIResult || notFoundWithoutId)
            {
                operation.Responses.Remove(status);
            }
        }

        operation.Parameters ??= [];
        foreach (var filter in Filters.GetValueOrDefault(id, []))
        {
            operation.Parameters.Add(Parameter(filter.Name, ParameterLocation.Query, false, filter.Description, filter.Type));
        }

        var method = context.Description.HttpMethod ?? "";
        if (method == "POST")
        {
            if (id == "reportIncident")
            {
                operation.Parameters.Add(Parameter(ReportIncidentEndpoint.IdempotencyHeader, ParameterLocation.Header, false,
                    "Up to 200 characters. Same key and body: the first incident again (201); same key, other body: 422."));
            }
            else
            {
                operation.Parameters.Add(Parameter("If-Match", ParameterLocation.Header, false,
                    "The ETag (version) of the incident as read, e.g. \"3\". Stale: 412."));
            }
        }

        if (id == "getIncident")
        {
            operation.Parameters.Add(Parameter("If-None-Match", ParameterLocation.Header, false, "The ETag last seen: 304 when unchanged."));
        }

        operation.Parameters.Add(Parameter(CorrelationId.HeaderName, ParameterLocation.Header, false,
            "Your correlation id (letters, digits, - _ . :, at most 64); echoed and stored on the events caused."));
    }

    private static readonly Dictionary<Type, IValidator> Validators = typeof(OpenApiDocumentation).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && t.BaseType is { IsGenericType: true } b
            && b.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
        .ToDictionary(t => t.BaseType!.GetGenericArguments()[0], t => (IValidator)Activator.CreateInstance(t)!);

    /// <summary>
    /// The request fields a validator insists on (NotNull / NotEmpty without a condition), in JSON names; null for types
    /// without a validator. Keeps "required" in the document true to what the API enforces.
    /// </summary>
    private static HashSet<string>? RequiredByValidators(Type type)
    {
        if (!type.Name.EndsWith("Request", StringComparison.Ordinal))
        {
            return null;
        }

        if (!Validators.TryGetValue(type, out var validator))
        {
            return [];
        }

        var descriptor = validator.CreateDescriptor();
        return descriptor.GetMembersWithValidators()
            .Where(member => !member.Key.Contains('.', StringComparison.Ordinal))
            .Where(member => member.Any(v => v.Validator is INotNullValidator or INotEmptyValidator && !v.Options.HasCondition))
            .Select(member => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member.Key))
            .ToHashSet();
    }

    private static OpenApiParameter Parameter(string name, ParameterLocation location, bool required, string description,
        JsonSchemaType type = JsonSchemaType.String) => new()
    {
        Name = name,
        In = location,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = type },
    };
}
