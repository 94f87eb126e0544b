using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.Rosters;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Duty.Rosters;

public sealed record ScheduleChangeRequest(DateTimeOffset? EffectiveFrom, List<LayerRequest>? Layers, string? Reason);

public sealed class ScheduleChangeValidator : AbstractValidator<ScheduleChangeRequest>
{
    public ScheduleChangeValidator()
    {
        RuleFor(x => x.Layers).NotEmpty().Must(l => l is null || l.Count <= 10).WithMessage("A roster has 1 to 10 layers.");
        RuleForEach(x => x.Layers).NotNull().SetValidator(new LayerRequestValidator());
        RuleFor(x => x.Reason).MaximumLength(FieldLimits.Reason);
    }
}

public sealed record OverrideRequest(string? PersonId, DateTimeOffset? From, DateTimeOffset? To, string? Reason);

public sealed class OverrideValidator : AbstractValidator<OverrideRequest>
{
    public OverrideValidator()
    {
        RuleFor(x => x.PersonId).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.From).NotNull();
        RuleFor(x => x.To).NotNull();
        RuleFor(x => x.Reason).MaximumLength(FieldLimits.Reason);
    }
}

public sealed record SwapRequest(string? FirstPersonId, DateTimeOffset? FirstFrom, DateTimeOffset? FirstTo, string? SecondPersonId,
    DateTimeOffset? SecondFrom, DateTimeOffset? SecondTo, string? Reason);

public sealed class SwapValidator : AbstractValidator<SwapRequest>
{
    public SwapValidator()
    {
        RuleFor(x => x.FirstPersonId).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.SecondPersonId).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.FirstFrom).NotNull();
        RuleFor(x => x.FirstTo).NotNull();
        RuleFor(x => x.SecondFrom).NotNull();
        RuleFor(x => x.SecondTo).NotNull();
        RuleFor(x => x.Reason).MaximumLength(FieldLimits.Reason);
    }
}

public static class ChangeRosterEndpoints
{
    [WolverinePost("/api/v1/rosters/{id}/schedule-changes", OperationId = "changeRosterSchedule")]
    [EndpointSummary("Change a roster's layers from an instant on")]
    [EndpointDescription("From effectiveFrom (now or later, default now) the roster runs these layers; what it said about " +
        "earlier instants is unchanged. Same rules and 422s as creating a roster.")]
    [Authorize(Policy = Policies.ManageRosters)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<RosterResource>]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Change([Description(PathParameters.RosterId)] Guid id, ScheduleChangeRequest? request, HttpContext http,
        IDocumentSession session, IMessageBus bus, TimeProvider clock)
    {
        if (RequestValidation.Check(http, new ScheduleChangeValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await RosterStep.Run(http, session, bus, clock, id, (roster, context, actor, now) => RosterDecider.Decide(
            new ChangeRosterSchedule(request!.EffectiveFrom?.ToUniversalTime(), request.Layers!.Select(l => l.ToPlan()).ToList(),
                string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(), actor), roster, context, now));
    }

    [WolverinePost("/api/v1/rosters/{id}/overrides", OperationId = "addRosterOverride")]
    [EndpointSummary("Add an override")]
    [EndpointDescription("personId covers from..to (now or later, at most 93 days) whatever the layers say; the latest " +
        "override over an instant wins. 422 naming the field: a person not active, a window that ends before it starts, a start in the past.")]
    [Authorize(Policy = Policies.ManageRosters)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<RosterResource>]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Override([Description(PathParameters.RosterId)] Guid id, OverrideRequest? request, HttpContext http,
        IDocumentSession session, IMessageBus bus, TimeProvider clock)
    {
        if (RequestValidation.Check(http, new OverrideValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await RosterStep.Run(http, session, bus, clock, id, (roster, context, actor, now) => RosterDecider.Decide(
            new AddRosterOverride(Guid.CreateVersion7(), request!.PersonId!.Trim(), request.From!.Value.ToUniversalTime(), request.To!.Value.ToUniversalTime(),
                string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(), actor), roster, context, now));
    }

    [WolverinePost("/api/v1/rosters/{id}/swaps", OperationId = "swapRosterShifts")]
    [EndpointSummary("Swap two windows")]
    [EndpointDescription("The second person covers the first window and the first person the second (two overrides sharing a " +
        "swapId; answers say why: swap). Same rules as overrides; the windows must not overlap.")]
    [Authorize(Policy = Policies.ManageRosters)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<RosterResource>]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Swap([Description(PathParameters.RosterId)] Guid id, SwapRequest? request, HttpContext http,
        IDocumentSession session, IMessageBus bus, TimeProvider clock)
    {
        if (RequestValidation.Check(http, new SwapValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await RosterStep.Run(http, session, bus, clock, id, (roster, context, actor, now) => RosterDecider.Decide(
            new SwapRosterShifts(Guid.CreateVersion7(), request!.FirstPersonId!.Trim(), request.FirstFrom!.Value.ToUniversalTime(),
                request.FirstTo!.Value.ToUniversalTime(), request.SecondPersonId!.Trim(), request.SecondFrom!.Value.ToUniversalTime(),
                request.SecondTo!.Value.ToUniversalTime(), string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(), actor),
            roster, context, now));
    }

    [WolverineDelete("/api/v1/rosters/{id}/overrides/{overrideId}", OperationId = "cancelRosterOverride")]
    [EndpointSummary("Cancel an override that has not started")]
    [EndpointDescription("Withdraws an override before it starts (409 once it has: that would rewrite the past).")]
    [Authorize(Policy = Policies.ManageRosters)]
    [Tags(ApiTags.OnCall)]
    [StepResponses<RosterResource>]
    public static Task<IResult> Cancel([Description(PathParameters.RosterId)] Guid id, [Description("The override's id.")] Guid overrideId,
        HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock) =>
        RosterStep.Run(http, session, bus, clock, id, (roster, _, actor, now) => RosterDecider.Decide(new CancelRosterOverride(overrideId, actor), roster, now));
}
