using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace Incidents.Api.Drills.Scheduling;

public sealed record DrillScenarioRequest(IncidentClass? Class, string? AffectedSystem, string? Script);

/// <summary>
/// A scripted follow-up: <c>offset</c> after the drill starts (ISO 8601, within the expected duration), the incident is
/// reclassified (<c>reclassifyTo</c>) and/or the caller says more (<c>comment</c>); <c>description</c> names it on the scorecard.
/// </summary>
public sealed record DrillInjectRequest(TimeSpan? Offset, string? Description, IncidentClass? ReclassifyTo, string? Comment);

/// <summary>What a coordinator plans: the exercise, its scenario, when it starts and for how long, who takes part, what it should show.</summary>
public sealed record ScheduleDrillRequest(
    string? Title,
    DrillKind? Kind,
    DrillScenarioRequest? Scenario,
    DateTimeOffset? PlannedStart,
    TimeSpan? ExpectedDuration,
    List<string>? Participants,
    List<string>? Observers,
    List<string>? Objectives,
    List<DrillInjectRequest>? Injects = null);

public sealed class ScheduleDrillValidator : AbstractValidator<ScheduleDrillRequest>
{
    public const int MaxListLength = 50;

    private static readonly string TooLong = $"'{{PropertyName}}' may hold at most {MaxListLength} entries.";

    private static bool BeShort(List<string>? list) => list is null || list.Count <= MaxListLength;

    public ScheduleDrillValidator()
    {
        RuleFor(x => x.Title).NotEmpty().MaximumLength(DrillLimits.Title);
        RuleFor(x => x.Kind).NotNull().IsInEnum();
        RuleFor(x => x.Scenario).NotNull();
        RuleFor(x => x.Scenario!.Class).NotNull().IsInEnum().When(x => x.Scenario is not null);
        RuleFor(x => x.Scenario!.AffectedSystem).NotEmpty().MaximumLength(FieldLimits.SystemName).When(x => x.Scenario is not null);
        RuleFor(x => x.Scenario!.Script).NotEmpty().MaximumLength(FieldLimits.Description).When(x => x.Scenario is not null);
        RuleFor(x => x.PlannedStart).NotNull();
        RuleFor(x => x.ExpectedDuration).GreaterThan(TimeSpan.Zero).LessThanOrEqualTo(TimeSpan.FromDays(7))
            .When(x => x.ExpectedDuration is not null);
        RuleFor(x => x.Participants).Must(BeShort).WithMessage(TooLong);
        RuleForEach(x => x.Participants).NotEmpty().MaximumLength(DrillLimits.Entry);
        RuleFor(x => x.Observers).Must(BeShort).WithMessage(TooLong);
        RuleForEach(x => x.Observers).NotEmpty().MaximumLength(DrillLimits.Entry);
        RuleFor(x => x.Objectives).Must(BeShort).WithMessage(TooLong);
        RuleForEach(x => x.Objectives).NotEmpty().MaximumLength(DrillLimits.Entry);
        RuleFor(x => x.Injects).Must(i => i is null || i.Count <= DrillInjects.MaxCount)
            .WithMessage($"'{{PropertyName}}' may hold at most {DrillInjects.MaxCount} entries.");
        RuleForEach(x => x.Injects).NotNull().ChildRules(inject =>
        {
            inject.RuleFor(i => i!.Offset).NotNull().GreaterThan(TimeSpan.Zero)
                .WithMessage("'Offset' must be a positive ISO 8601 duration after the start (PT10M), within the expected duration.");
            inject.RuleFor(i => i!.Description).NotEmpty().MaximumLength(DrillLimits.Entry);
            inject.RuleFor(i => i!.ReclassifyTo).IsInEnum();
            inject.RuleFor(i => i!.Comment).MaximumLength(FieldLimits.Comment);
            inject.RuleFor(i => i!.Comment).NotEmpty().When(i => i!.ReclassifyTo is null)
                .WithMessage("An inject reclassifies the incident (reclassifyTo), has the caller say something (comment), or both.");
        });
    }
}

public static class DrillLimits
{
    /// <summary>Leaves room for the drill prefix on the synthetic incident's title.</summary>
    public const int Title = 180;

    public const int Entry = 300;

    public const int Text = 8000;
}

public static class ScheduleDrillEndpoint
{
    [WolverinePost("/api/v1/drills", OperationId = "scheduleDrill")]
    [EndpointSummary("Schedule a drill")]
    [EndpointDescription("Plans an exercise (201 with Location and ETag); at its planned start a durable timer reports the " +
        "synthetic incident. Optional injects (at most 20) are scripted follow-ups at an ISO 8601 offset after the " +
        "start: reclassifyTo and/or a comment the caller adds, applied by the drill script. Refused with 422, " +
        "nothing written: a start not in the future or more than three years ahead, a system outside " +
        "Drills:Systems, a window overlapping another scheduled or running drill on the same system, an inject " +
        "outside the expected duration or reclassifying to the class the incident already has at that point.")]
    [Authorize(Policy = Policies.ManageDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<DrillResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post(ScheduleDrillRequest? request, HttpContext http, IDocumentSession session, IMessageBus bus,
        TimeProvider clock, IOptions<DrillOptions> options)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new ScheduleDrillValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var id = Guid.CreateVersion7();
        var system = request!.Scenario!.AffectedSystem!.Trim();
        var command = new ScheduleDrill(
            id,
            request.Title!.Trim(),
            request.Kind!.Value,
            new DrillScenario(request.Scenario.Class!.Value, system, request.Scenario.Script!.Trim()),
            request.PlannedStart!.Value.ToUniversalTime(),
            request.ExpectedDuration ?? options.Value.DefaultDuration,
            Clean(request.Participants),
            Clean(request.Observers),
            Clean(request.Objectives),
            actor,
            (request.Injects ?? []).Select(i => new DrillInject(i!.Offset!.Value, i.Description!.Trim(), i.ReclassifyTo,
                string.IsNullOrWhiteSpace(i.Comment) ? null : i.Comment.Trim())).ToList());

        var bookings = await DrillStream.BookingsAsync(session, options.Value, system, http.RequestAborted);
        var decision = DrillDecider.Decide(command, null, bookings, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var details = await DrillStream.Stage(session, bus, id, null, decision.Events);
        Audit.Stamp(session, http, actor);
        await session.SaveChangesAsync(http.RequestAborted);

        return DrillStream.Answer(http, details, created: true);
    }

    private static List<string> Clean(List<string>? values) =>
        (values ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().ToList();
}
