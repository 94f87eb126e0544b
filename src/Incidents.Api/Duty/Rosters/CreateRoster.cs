using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty.Rosters;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Duty.Rosters;

/// <summary>A new roster: what it serves (<c>role</c>, optional), its zone (default Asia/Shanghai), 7×24 or not, and its first layers.</summary>
public sealed record CreateRosterRequest(string? Name, string? Role, string? TimeZone, bool? Is24x7, DateTimeOffset? EffectiveFrom,
    List<LayerRequest>? Layers);

public sealed class CreateRosterValidator : AbstractValidator<CreateRosterRequest>
{
    public CreateRosterValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(FieldLimits.Title);
        RuleFor(x => x.Role).Matches(People.PersonRequestValidator.RolePattern).When(x => x.Role is not null)
            .WithMessage("'role' is a contract role in kebab-case, e.g. duty-engineer.");
        RuleFor(x => x.TimeZone).MaximumLength(FieldLimits.Id);
        RuleFor(x => x.Layers).NotEmpty().Must(l => l is null || l.Count <= 10).WithMessage("A roster has 1 to 10 layers.");
        RuleForEach(x => x.Layers).NotNull().SetValidator(new LayerRequestValidator());
    }
}

public static class CreateRosterEndpoint
{
    [WolverinePost("/api/v1/rosters", OperationId = "createRoster")]
    [EndpointSummary("Create a roster")]
    [EndpointDescription("A roster of layers (rotations of ordered members: daily, weekly or a custom length, hand-off at a local " +
        "time, on every day, working days, non-working days or PRC public holidays), taking effect at effectiveFrom (now or " +
        "later, default now). Where layers cover the same instant the higher precedence wins; overlapping layers need distinct " +
        "precedences. 201 with Location and ETag. 422 naming the field: unknown time zone, a hand-off time the zone's daylight " +
        "saving skips, members who are not active people, a start in the past, equal precedences of overlapping layers, and, for " +
        "a roster marked is24x7, any instant in the following 400 days with nobody on duty (the first gap is named).")]
    [Authorize(Policy = Policies.ManageRosters)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<RosterResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post(CreateRosterRequest? request, HttpContext http, IDocumentSession session, IMessageBus bus, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new CreateRosterValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var context = await DutyStream.ContextAsync(session, http.RequestAborted);
        var decision = RosterDecider.Decide(new CreateRoster(id, request!.Name!.Trim(), request.Role, request.TimeZone?.Trim() is { Length: > 0 } zone
                ? zone
                : Roster.DefaultTimeZone, request.Is24x7 ?? false, request.EffectiveFrom?.ToUniversalTime(),
            request.Layers!.Select(l => l.ToPlan()).ToList(), actor), null, context, now);
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var roster = DutyStream.Stage(session, id, (RosterDetails?)null, decision.Events)!;
        // Its first hand-off (docs/oncall.md, "Hand-offs").
        await HandOffs.HandOffTimer.ArmAsync(bus, roster.State!, now);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);

        http.Response.Headers.ETag = ETags.For(roster.Version);
        var resource = RosterResource.From(roster);
        return TypedResults.Created(resource.Links.Self, resource);
    }
}
