using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Assurance.Planning;

/// <summary>
/// What the admin plans: the occasion, its window, the systems in scope (as incidents name their affected system), the plan
/// (a summary or a reference to the plan document) and the roster that staffs the window.
/// </summary>
public sealed record PlanKeyAssurancePeriodRequest(
    string? Name,
    KeyAssuranceKind? Kind,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    List<string>? Systems,
    string? Plan,
    Guid? RosterId);

public sealed class PlanKeyAssurancePeriodValidator : AbstractValidator<PlanKeyAssurancePeriodRequest>
{
    public const int MaxSystems = 50;

    public PlanKeyAssurancePeriodValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Kind).NotNull().IsInEnum();
        RuleFor(x => x.Start).NotNull();
        RuleFor(x => x.End).NotNull();
        RuleFor(x => x.Systems).NotEmpty().Must(s => s is null || s.Count <= MaxSystems)
            .WithMessage($"'{{PropertyName}}' may hold at most {MaxSystems} entries.");
        RuleForEach(x => x.Systems).Must(KeyAssuranceSystems.IsWellFormed)
            .WithMessage("'{PropertyValue}' is not a system name: lower-case letters, digits and hyphens (as incidents name their affected system), at most 100.");
        RuleFor(x => x.Plan).NotEmpty().MaximumLength(8000);
        RuleFor(x => x.RosterId).NotEqual(Guid.Empty).When(x => x.RosterId is not null);
    }
}

public static class PlanKeyAssurancePeriodEndpoint
{
    [WolverinePost("/api/v1/assurance-periods", OperationId = "planKeyAssurancePeriod")]
    [EndpointSummary("Plan a key-assurance period (重保)")]
    [EndpointDescription("Plans a key-assurance period (201 with Location and ETag). It becomes active by itself when its " +
        "window opens and completes with its summary when the window closes (durable timers). While it is active, incidents " +
        "reported on a system in scope get the tighter policy (KeyAssurance:Policy) and resource adjustments may be raised. " +
        "400 names a missing or malformed field (systems: lower-case letters, digits and hyphens); 422, nothing stored: " +
        "a window that ends before it starts, lasts more than 60 days or is already over, a system outside KeyAssurance:Systems " +
        "(when configured), a roster the rosters do not know.")]
    [Authorize(Policy = Policies.PlanKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<KeyAssurancePeriodResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post(PlanKeyAssurancePeriodRequest? request, HttpContext http, IDocumentSession session,
        IMessageBus bus, TimeProvider clock, KeyAssuranceSettings settings, IKeyAssuranceRosters rosters)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new PlanKeyAssurancePeriodValidator(), request) is { } invalid)
        {
            return invalid;
        }

        if (request!.RosterId is { } rosterId && await rosters.ExistsAsync(rosterId, http.RequestAborted) == false)
        {
            return KeyAssuranceStream.Refused(http, new DomainError("assurance.unknown-roster", "Unknown roster",
                $"rosterId: no roster with id {rosterId} exists.", DomainErrorKind.Unprocessable));
        }

        var id = Guid.CreateVersion7();
        var command = new PlanKeyAssurancePeriod(
            id,
            request.Name!.Trim(),
            request.Kind!.Value,
            new KeyAssuranceWindow(request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime()),
            request.Systems!.Select(s => s.Trim()).ToList(),
            request.Plan!.Trim(),
            request.RosterId,
            actor);
        var decision = KeyAssuranceDecider.Decide(command, null, settings.Rules, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return KeyAssuranceStream.Refused(http, error);
        }

        var details = await KeyAssuranceStream.Stage(session, bus, id, null, decision.Events);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);
        return KeyAssuranceStream.Answer(http, details, created: true);
    }
}
