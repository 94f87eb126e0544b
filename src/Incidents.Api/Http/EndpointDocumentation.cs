using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Http;

/// <summary>The tags that group operations in the API reference, with what each holds.</summary>
public static class ApiTags
{
    public const string Incidents = "Incidents";
    public const string Sla = "SLA";
    public const string Drills = "Drills";
    public const string Kpis = "KPIs";
    public const string Integrity = "Integrity";
    public const string KeyAssurance = "Key assurance";
    public const string Reports = "Reports";
    public const string OnCall = "On call";
    public const string Contract = "Contract";
    public const string Intake = "Intake";

    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        (Incidents, "Reporting an incident and working it to the end: each lifecycle step, the timeline, who was told."),
        (Sla, "The service-level clocks of one incident and the board of every open stage."),
        (Drills, "Planned exercises: scheduling, starting, completing, scorecards, the calendar feed and yearly compliance."),
        (Kpis, "Key performance indicators against the contract's targets, the monthly service report and its due dates."),
        (Integrity, "Verifying the tamper-evident hash chain of the stored events."),
        (KeyAssurance, "Key-assurance periods (重保): planning, the tighter policy in their window, resource adjustments and yearly compliance."),
        (Reports, "Outage and security event reports (宕机报告, 安全事件分析报告) and the purchaser's confirmations of every document."),
        (OnCall, "The people directory, duty rosters (rotations, holiday layer, overrides, swaps), who is on duty and calendar feeds."),
        (Contract, "What the contract excuses and accepts: planned maintenance windows, force majeure, the contract year's acceptance report."),
        (Intake, "Alarms in from monitoring (Prometheus Alertmanager, a generic events API) and the integrations that send them."),
    ];
}

/// <summary>What the route parameters name, for their <c>[Description]</c>.</summary>
public static class PathParameters
{
    public const string IncidentId = "The incident's id (a UUID), as in its `id` and `Location`.";
    public const string DrillId = "The drill's id (a UUID), as in its `id` and `Location`.";
    public const string ResponderId = "The assigned responder's user id (the `sub` of their token), as in the incident's `responders`.";
    public const string ReportId = "The report's id (a UUID), as in its `id` and `Location`.";
    public const string ActionNumber = "The action's number in the report (1, 2, ...), as in its `actions`.";
    public const string PersonId = "The person's id: the `sub` of their token, as in the directory's `id`.";
    public const string IntegrationId = "The integration's id (a UUID), as in its `id` and `Location`.";
    public const string IntakeIntegration = "The integration's id (a UUID) or its name, as in the URL its setup answered.";
    public const string RosterId = "The roster's id (a UUID), as in its `id` and `Location`.";
    public const string MaintenanceWindowId = "The maintenance window's id (a UUID), as in its `id` and `Location`.";
    public const string ContractYear = "The contract year's number: 1 for the year from the configured start date (Contract:StartDate), 2 for the next.";
    public const string Month = "A month in the service's time zone, yyyy-MM (e.g. 2026-11).";
}

/// <summary>
/// A request header the endpoint reads itself (from <see cref="HttpContext"/>, not as a bound parameter); the API reference
/// lists it as an optional header parameter with this description.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ReadsHeaderAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}

/// <summary>
/// What every step on a versioned resource (an incident or a drill) answers: the resource with its new ETag (200), or a
/// problem: 400 for a bad body or <c>If-Match</c>, 404 for an unknown resource, 409 for a step the state does not allow
/// or a concurrent change, 412 for a stale <c>If-Match</c>. Steps that can answer more say so with their own
/// <see cref="ProducesResponseTypeAttribute"/>. 401, 403 and 429 come from <c>EndpointConfiguration</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepResponsesAttribute<TResource> : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, GenerationRules rules)
    {
        chain.Metadata
            .Produces<TResource>(StatusCodes.Status200OK)
            .Produces<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)
            .Produces<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)
            .Produces<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)
            .Produces<ProblemDetails>(StatusCodes.Status412PreconditionFailed, Problems.ContentType)
            .WithMetadata(new ReadsHeaderAttribute("If-Match", ETags.IfMatchDescription));
    }
}
