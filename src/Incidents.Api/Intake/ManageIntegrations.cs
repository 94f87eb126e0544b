using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Intake;
using Incidents.Projections.Intake;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Intake;

public sealed record ClassRuleRequest(string? Label, string? Value, IncidentClass? Class);

/// <summary>The mapping from alert labels to incidents; every field optional (defaults in docs/intake.md).</summary>
public sealed record AlertMappingRequest(
    string? SystemLabel,
    string? DefaultSystem,
    IReadOnlyList<ClassRuleRequest>? ClassRules,
    IncidentClass? DefaultClass,
    TimeSpan? GroupingWindow,
    int? StormLimit,
    TimeSpan? StormWindow,
    bool? ResolvedRecordsRestored)
{
    public AlertMapping ToMapping(IntegrationKind kind)
    {
        var defaults = AlertMapping.Default with { SystemLabel = kind == IntegrationKind.Generic ? "source" : "service" };
        return new AlertMapping(
            string.IsNullOrWhiteSpace(SystemLabel) ? defaults.SystemLabel : SystemLabel.Trim(),
            string.IsNullOrWhiteSpace(DefaultSystem) ? null : DefaultSystem.Trim(),
            ClassRules?.Select(r => new ClassRule(r.Label!.Trim(), r.Value!.Trim(), r.Class!.Value)).ToList() ?? defaults.ClassRules,
            DefaultClass ?? defaults.DefaultClass,
            GroupingWindow ?? defaults.GroupingWindow,
            StormLimit ?? defaults.StormLimit,
            StormWindow ?? defaults.StormWindow,
            ResolvedRecordsRestored ?? defaults.ResolvedRecordsRestored);
    }
}

public sealed record CreateIntegrationRequest(string? Name, IntegrationKind? Kind, AlertMappingRequest? Mapping);

public sealed record RevokeKeyRequest(string? Reason);

public sealed class AlertMappingRequestValidator : AbstractValidator<AlertMappingRequest>
{
    public AlertMappingRequestValidator()
    {
        RuleFor(x => x.SystemLabel).MaximumLength(AlertLimits.LabelName);
        RuleFor(x => x.DefaultSystem).MaximumLength(FieldLimits.SystemName);
        RuleForEach(x => x.ClassRules).ChildRules(rule =>
        {
            rule.RuleFor(r => r.Label).NotEmpty().MaximumLength(AlertLimits.LabelName);
            rule.RuleFor(r => r.Value).NotEmpty().MaximumLength(AlertLimits.LabelValue);
            rule.RuleFor(r => r.Class).NotNull().IsInEnum();
        });
        RuleFor(x => x.DefaultClass).IsInEnum();
    }
}

public sealed class CreateIntegrationValidator : AbstractValidator<CreateIntegrationRequest>
{
    public CreateIntegrationValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(100);
        RuleFor(x => x.Kind).NotNull().IsInEnum();
        RuleFor(x => x.Mapping!).SetValidator(new AlertMappingRequestValidator()).When(x => x.Mapping is not null);
    }
}

/// <summary>The admin sets up alert integrations (issue #12): create (the key is shown once), read, change the mapping, rotate and revoke the key.</summary>
public static class ManageIntegrationsEndpoints
{
    [WolverinePost("/api/v1/integrations", OperationId = "createIntegration")]
    [EndpointSummary("Create an alert integration")]
    [EndpointDescription("Sets up an integration for Prometheus Alertmanager or the generic events API, with its mapping from labels to " +
        "affected system and class. The answer (201) holds the integration's key — shown this once; only its hash is stored.")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [ProducesResponseType<AlertIntegrationResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Create(CreateIntegrationRequest? request, HttpContext http, OutboxedSessionFactory sessions,
        MessageContext bus, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new CreateIntegrationValidator(), request) is { } invalid)
        {
            return invalid;
        }

        await using var session = sessions.OpenSession(bus);
        var name = request!.Name!.Trim();
        if (await session.Query<AlertIntegrationDetails>().AnyAsync(d => d.Name == name, http.RequestAborted))
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "integration.name-taken", "Name taken",
                $"An integration named '{name}' already exists."));
        }

        var key = IntegrationKeys.NewKey();
        var id = Guid.CreateVersion7();
        var kind = request.Kind!.Value;
        var mapping = (request.Mapping ?? new AlertMappingRequest(null, null, null, null, null, null, null, null)).ToMapping(kind);
        var decision = AlertIntegrationDecider.Decide(
            new CreateAlertIntegration(id, name, kind, mapping, IntegrationKeys.Hash(key), actor), clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var details = AlertIntegrationStream.Stage(session, id, null, decision.Events);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);
        return AlertIntegrationStream.Answer(http, details, key, created: true);
    }

    [WolverineGet("/api/v1/integrations", OperationId = "listIntegrations")]
    [EndpointSummary("List alert integrations")]
    [EndpointDescription("Every integration, by name; keys are never shown here.")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [ProducesResponseType<IReadOnlyList<AlertIntegrationResource>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(HttpContext http, IQuerySession session)
    {
        var all = await session.Query<AlertIntegrationDetails>().OrderBy(d => d.Name).Take(500).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(all.Select(d => AlertIntegrationResource.From(d, null)).ToList());
    }

    [WolverineGet("/api/v1/integrations/{id}", OperationId = "getIntegration")]
    [EndpointSummary("Get an alert integration")]
    [EndpointDescription("The integration with its mapping and key version (the key itself is never shown again).")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [ProducesResponseType<AlertIntegrationResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([System.ComponentModel.Description(PathParameters.IntegrationId)] Guid id, HttpContext http, IQuerySession session) =>
        await session.LoadAsync<AlertIntegrationDetails>(id, http.RequestAborted) is { } details
            ? AlertIntegrationStream.Answer(http, details)
            : Problems.From(http, IntegrationErrors.NotFound(id));

    [WolverinePost("/api/v1/integrations/{id}/mapping", OperationId = "changeIntegrationMapping")]
    [EndpointSummary("Change an integration's mapping")]
    [EndpointDescription("Replaces the mapping (fields left out take their defaults). Alerts already received keep their incidents.")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [StepResponses<AlertIntegrationResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> ChangeMapping([System.ComponentModel.Description(PathParameters.IntegrationId)] Guid id, AlertMappingRequest? request, HttpContext http, OutboxedSessionFactory sessions,
        MessageContext bus, TimeProvider clock) =>
        RequestValidation.Check(http, new AlertMappingRequestValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : Step(http, sessions, bus, clock, id, null, (state, actor, now) =>
                AlertIntegrationDecider.Decide(new ChangeAlertMapping(request!.ToMapping(state.Kind), actor), state, now));

    [WolverinePost("/api/v1/integrations/{id}/rotate-key", OperationId = "rotateIntegrationKey")]
    [EndpointSummary("Rotate an integration's key")]
    [EndpointDescription("Issues a new key (in this answer only); the old key stops working at once. Also brings a revoked integration back.")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [StepResponses<AlertIntegrationResource>]
    public static Task<IResult> Rotate([System.ComponentModel.Description(PathParameters.IntegrationId)] Guid id, HttpContext http, OutboxedSessionFactory sessions, MessageContext bus, TimeProvider clock)
    {
        var key = IntegrationKeys.NewKey();
        return Step(http, sessions, bus, clock, id, key, (state, actor, now) =>
            AlertIntegrationDecider.Decide(new RotateIntegrationKey(IntegrationKeys.Hash(key), actor), state, now));
    }

    [WolverinePost("/api/v1/integrations/{id}/revoke-key", OperationId = "revokeIntegrationKey")]
    [EndpointSummary("Revoke an integration's key")]
    [EndpointDescription("The key stops working at once; alerts sent with it get 401 until a new key is rotated in.")]
    [Authorize(Policy = Policies.ManageIntegrations)]
    [Tags(ApiTags.Intake)]
    [StepResponses<AlertIntegrationResource>]
    public static Task<IResult> Revoke([System.ComponentModel.Description(PathParameters.IntegrationId)] Guid id, RevokeKeyRequest? request, HttpContext http, OutboxedSessionFactory sessions,
        MessageContext bus, TimeProvider clock) =>
        Step(http, sessions, bus, clock, id, null, (state, actor, now) =>
            AlertIntegrationDecider.Decide(new RevokeIntegrationKey(request?.Reason?.Trim() ?? "", actor), state, now));

    private static async Task<IResult> Step(HttpContext http, OutboxedSessionFactory sessions, MessageContext bus, TimeProvider clock,
        Guid id, string? key, Func<AlertIntegration, Actor, DateTimeOffset, Decision> decide)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        await using var session = sessions.OpenSession(bus);
        var stream = await session.Events.FetchForWriting<AlertIntegrationDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } state } before)
        {
            return Problems.From(http, IntegrationErrors.NotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "integration.version-mismatch",
                "Stale version", $"Integration {id} is at version {before.Version}, not {seen}; reload it and try again."));
        }

        var decision = decide(state, actor, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = AlertIntegrationStream.Stage(session, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "integration.concurrent-change",
                "Changed concurrently", $"Integration {id} was changed by someone else meanwhile; reload it and try again."));
        }

        // This node's intake takes the change from the next request (other nodes when they next write this integration's alerts).
        http.RequestServices.GetRequiredService<IntegrationAuthentication>().Remember(new IntakeCaller(after.State!, after.Version));
        return AlertIntegrationStream.Answer(http, after, key);
    }
}
