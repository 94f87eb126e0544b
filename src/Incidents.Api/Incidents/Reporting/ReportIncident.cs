using Incidents.Api.Escalation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Api.Sla;
using Incidents.Domain.Incidents;
using Incidents.Projections.Incidents;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Reporting;

public sealed record ReporterRequest(string? Name, string? Phone, string? Email);

/// <summary>What the hotline desk records when a call, e-mail, IM message or alarm comes in.</summary>
public sealed record ReportIncidentRequest(
    string? Title,
    string? Description,
    string? AffectedSystem,
    IncidentClass? Class,
    IntakeChannel? Channel,
    ReporterRequest? Reporter,
    bool IsDrill = false,
    Guid? DrillId = null,
    DateTimeOffset? OccurredAt = null);

public sealed class ReportIncidentValidator : AbstractValidator<ReportIncidentRequest>
{
    public ReportIncidentValidator()
    {
        RuleFor(x => x.Title).NotEmpty().MaximumLength(FieldLimits.Title);
        RuleFor(x => x.Description).MaximumLength(FieldLimits.Description);
        RuleFor(x => x.AffectedSystem).NotEmpty().MaximumLength(FieldLimits.SystemName);
        RuleFor(x => x.Class).NotNull().IsInEnum();
        RuleFor(x => x.Channel).NotNull().IsInEnum();
        RuleFor(x => x.Reporter).NotNull();
        RuleFor(x => x.Reporter!.Name).NotEmpty().MaximumLength(FieldLimits.PersonName).When(x => x.Reporter is not null);
        RuleFor(x => x.Reporter!.Phone).MaximumLength(FieldLimits.Phone)
            .Matches(@"^[0-9+\-() ]*$").WithMessage("'Phone' may hold digits, spaces and + - ( ) only.")
            .When(x => x.Reporter is not null);
        RuleFor(x => x.Reporter!.Email).MaximumLength(FieldLimits.Email).EmailAddress()
            .When(x => x.Reporter is { Email.Length: > 0 });
        RuleFor(x => x.DrillId).Null().When(x => !x.IsDrill).WithMessage("'Drill Id' is only allowed on drill incidents.");
    }
}

/// <summary>An <c>Idempotency-Key</c> seen before: the request it came with and the incident it created.</summary>
public sealed class ReportIdempotencyRecord
{
    public string Id { get; set; } = "";

    public string RequestHash { get; set; } = "";

    public Guid IncidentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class ReportIncidentEndpoint
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions HashOptions = new(JsonSerializerDefaults.Web);

    [WolverinePost("/api/v1/incidents", OperationId = "reportIncident")]
    [EndpointSummary("Report an incident")]
    [EndpointDescription("Records a call, e-mail, IM message or alarm as a new incident (201 with Location and ETag). Send " +
        "Idempotency-Key so a retried call returns the first incident instead of creating a second. A drill " +
        "coordinator may report drills only. `occurredAt` (optional): when the failure began, if the caller knows — availability " +
        "counts the outage from it, the SLA clock still from the report; 422 when it is in the future or more than 7 days before the report.")]
    [Authorize(Policy = Policies.ReportIncidents)]
    [Tags(ApiTags.Incidents)]
    [ReadsHeader(IdempotencyHeader, "Up to 200 characters. Same key and body: the first incident again (201); same key, other body: 422.")]
    [ProducesResponseType<IncidentResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post(
        ReportIncidentRequest? request,
        HttpContext http,
        OutboxedSessionFactory sessions,
        MessageContext bus,
        TimeProvider clock,
        SlaPolicyProvider policies,
        EscalationPolicyProvider escalation,
        Assurance.KeyAssuranceScope keyAssurance)
    {
        var ct = http.RequestAborted;
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new ReportIncidentValidator(), request) is { } invalid)
        {
            return invalid;
        }

        if (!IncidentAccess.MayReport(http, request!.IsDrill))
        {
            return IncidentAccess.Forbidden(http, "Your role may report drills only (isDrill: true).");
        }

        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 200)
        {
            return Problems.Validation(http, new Dictionary<string, string[]>
            {
                [IdempotencyHeader] = ["The idempotency key may be at most 200 characters."],
            });
        }

        var requestHash = Hash(request!);
        await using var session = sessions.OpenSession(bus);
        if (key.Length > 0 && await session.LoadAsync<ReportIdempotencyRecord>(RecordId(actor, key), ct) is { } seen)
        {
            return await Replay(http, session, seen, requestHash);
        }

        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        // In scope of an active key-assurance period: its tighter policy, pinned like any other (docs/assurance.md).
        // Escalation levels that name roles or rosters resolve who is on duty from the directory (docs/oncall.md).
        var withDuty = await escalation.WithDutyAsync(session, ct);
        var policy = await keyAssurance.ForReportAsync(session, request!.AffectedSystem!.Trim(), request.IsDrill, now, policies.Current,
            withDuty, ct);
        var command = new ReportIncident(
            id,
            request!.Title!.Trim(),
            request.Description?.Trim() ?? "",
            request.AffectedSystem!.Trim(),
            request.Class!.Value,
            request.Channel!.Value,
            new Reporter(request.Reporter!.Name!.Trim(), Blank(request.Reporter.Phone), Blank(request.Reporter.Email)),
            request.IsDrill,
            request.DrillId,
            policy.Sla,
            actor,
            (policy.Escalation with { Duty = withDuty.Duty }).For(request.Class!.Value),
            request.OccurredAt);

        var decision = IncidentDecider.Decide(command, null, now);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var details = await IncidentStream.Stage(session, bus, id, null, policy.Pin(decision.Events), now, escalation.Current);
        if (key.Length > 0)
        {
            session.Insert(new ReportIdempotencyRecord
            {
                Id = RecordId(actor, key),
                RequestHash = requestHash,
                IncidentId = id,
                CreatedAt = now,
            });
        }

        Audit.Stamp(session, http, actor);

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (DocumentAlreadyExistsException) when (key.Length > 0)
        {
            // The same key raced us and won: answer as if this were the retry it is.
            session.EjectAllPendingChanges();
            await bus.ClearAllAsync();
            var winner = await session.LoadAsync<ReportIdempotencyRecord>(RecordId(actor, key), ct);
            return await Replay(http, session, winner!, requestHash);
        }

        http.Response.Headers.ETag = ETags.For(details.ChangeVersion);
        return TypedResults.Created($"/api/v1/incidents/{id}", IncidentResource.From(details, http));
    }

    private static async Task<IResult> Replay(HttpContext http, IQuerySession session, ReportIdempotencyRecord seen, string requestHash)
    {
        if (seen.RequestHash != requestHash)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status422UnprocessableEntity, "request.idempotency-key-reused",
                "Idempotency key reused", $"The {IdempotencyHeader} was already used with a different request body."));
        }

        var details = await session.LoadAsync<IncidentDetails>(seen.IncidentId, http.RequestAborted);
        http.Response.Headers.ETag = ETags.For(details!.ChangeVersion);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Created($"/api/v1/incidents/{seen.IncidentId}", IncidentResource.From(details, http));
    }

    /// <summary>Keys are scoped to the caller: two desks choosing the same key do not collide.</summary>
    private static string RecordId(global::Incidents.Domain.Actor actor, string key) => $"report:{actor.Id}:{key}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Hash(ReportIncidentRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, HashOptions))));
}
