using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Drills.Rescheduling;

public sealed record RescheduleDrillRequest(DateTimeOffset? PlannedStart, string? Reason);

public sealed class RescheduleDrillValidator : AbstractValidator<RescheduleDrillRequest>
{
    public RescheduleDrillValidator()
    {
        RuleFor(x => x.PlannedStart).NotNull();
        RuleFor(x => x.Reason).MaximumLength(FieldLimits.Reason);
    }
}

public static class RescheduleDrillEndpoint
{
    [WolverinePost("/api/v1/drills/{id}/reschedule", OperationId = "rescheduleDrill")]
    [EndpointSummary("Reschedule a drill")]
    [EndpointDescription("Moves a scheduled drill's planned start; the old start's timer then does nothing, a new one is set for " +
        "the new start.")]
    [Authorize(Policy = Policies.ManageDrills)]
    [Tags(ApiTags.Drills)]
    [StepResponses<DrillResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static async Task<IResult> Post([Description(PathParameters.DrillId)] Guid id, RescheduleDrillRequest? request,
        HttpContext http, DrillStep step, MessageContext bus, IOptions<DrillOptions> options)
    {
        if (RequestValidation.Check(http, new RescheduleDrillValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await step.Run(http, bus, id, async (drill, actor, now, session) =>
        {
            var bookings = await DrillStream.BookingsAsync(session, options.Value, drill.Scenario.AffectedSystem, http.RequestAborted);
            var reason = string.IsNullOrWhiteSpace(request!.Reason) ? null : request.Reason.Trim();
            return DrillDecider.Decide(new RescheduleDrill(request.PlannedStart!.Value.ToUniversalTime(), reason, actor), drill, bookings, now);
        });
    }
}
