using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Drills.Scheduling;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Drills.Completing;

public sealed record CompleteDrillRequest(List<string>? ObjectivesMet, string? LessonsLearned);

public sealed class CompleteDrillValidator : AbstractValidator<CompleteDrillRequest>
{
    public CompleteDrillValidator()
    {
        RuleFor(x => x.ObjectivesMet).Must(l => l is null || l.Count <= ScheduleDrillValidator.MaxListLength);
        RuleForEach(x => x.ObjectivesMet).NotEmpty().MaximumLength(DrillLimits.Entry);
        RuleFor(x => x.LessonsLearned).MaximumLength(DrillLimits.Text);
    }
}

public static class CompleteDrillEndpoint
{
    [WolverinePost("/api/v1/drills/{id}/complete", OperationId = "completeDrill")]
    [EndpointSummary("Complete a drill")]
    [EndpointDescription("Ends a running drill with the objectives met and the lessons learned (free text). Then read the scorecard.")]
    [Authorize(Policy = Policies.ManageDrills)]
    [Tags(ApiTags.Drills)]
    [StepResponses<DrillResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post([Description(PathParameters.DrillId)] Guid id, CompleteDrillRequest? request, HttpContext http,
        DrillStep step, MessageContext bus)
    {
        if (RequestValidation.Check(http, new CompleteDrillValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var met = (request!.ObjectivesMet ?? []).Select(o => o.Trim()).ToList();
        return await step.Run(http, bus, id, (drill, actor, now, _) =>
            Task.FromResult(DrillDecider.Decide(new CompleteDrill(met, request.LessonsLearned?.Trim() ?? "", actor), drill, now)));
    }
}
