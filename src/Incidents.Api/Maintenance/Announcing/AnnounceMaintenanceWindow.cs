using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Maintenance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Incidents.Api.Maintenance.Announcing;

/// <summary>Planned maintenance: what, why, which systems, from when until when.</summary>
public sealed record AnnounceMaintenanceWindowRequest(string? Title, string? Reason, List<string>? Systems, DateTimeOffset? Starts,
    DateTimeOffset? Ends);

public sealed class AnnounceMaintenanceWindowValidator : AbstractValidator<AnnounceMaintenanceWindowRequest>
{
    public const int MaxSystems = 50;

    /// <summary>The longest window one announcement may cover.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    public AnnounceMaintenanceWindowValidator()
    {
        RuleFor(x => x.Title).NotEmpty().MaximumLength(FieldLimits.Title);
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
        RuleFor(x => x.Systems).NotEmpty().Must(s => s is null || s.Count <= MaxSystems)
            .WithMessage($"'Systems' may hold at most {MaxSystems} entries.");
        RuleForEach(x => x.Systems).NotEmpty().MaximumLength(FieldLimits.SystemName);
        RuleFor(x => x.Starts).NotNull();
        RuleFor(x => x.Ends).NotNull();
        RuleFor(x => x.Ends).GreaterThan(x => x.Starts).When(x => x.Starts is not null && x.Ends is not null)
            .WithMessage("'Ends' must be after 'Starts'.");
        RuleFor(x => x.Ends).Must((x, ends) => ends!.Value - x.Starts!.Value <= MaxDuration)
            .When(x => x.Starts is not null && x.Ends is not null && x.Ends > x.Starts)
            .WithMessage($"A window may last at most {MaxDuration.TotalDays:0} days; announce longer work as several windows.");
    }
}

public static class AnnounceMaintenanceWindowEndpoint
{
    [WolverinePost("/api/v1/maintenance-windows", OperationId = "announceMaintenanceWindow")]
    [EndpointSummary("Announce planned maintenance")]
    [EndpointDescription("Announces a maintenance window on one or more systems (201 with Location and ETag). It waits for the " +
        "purchaser's approval; only outage time inside an approved window is left out of availability. Refused, nothing " +
        "stored: 422 `maintenance.short-notice` when it starts sooner than the lead time (Maintenance:LeadTime, default 24 h), " +
        "409 `maintenance.overlaps` when another window (announced or approved) covers one of its systems at the same time.")]
    [Authorize(Policy = Policies.AnnounceMaintenance)]
    [Tags(ApiTags.Contract)]
    [ProducesResponseType<MaintenanceWindowResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post(AnnounceMaintenanceWindowRequest? request, HttpContext http, IDocumentSession session,
        TimeProvider clock, IOptions<MaintenanceOptions> options)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new AnnounceMaintenanceWindowValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var id = Guid.CreateVersion7();
        var systems = request!.Systems!.Select(s => s.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var command = new AnnounceMaintenanceWindow(id, request.Title!.Trim(), request.Reason!.Trim(), systems,
            request.Starts!.Value.ToUniversalTime(), request.Ends!.Value.ToUniversalTime(), actor);
        var others = await MaintenanceStream.OthersAsync(session, systems, command.Starts, http.RequestAborted);
        var decision = MaintenanceDecider.Decide(command, others, options.Value.LeadTime, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var details = MaintenanceStream.Stage(session, id, null, decision.Events);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);
        return MaintenanceStream.Answer(http, details, created: true);
    }
}
