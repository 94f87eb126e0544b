using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Drills.Cancelling;

public sealed record CancelDrillRequest(string? Reason);

public sealed class CancelDrillValidator : AbstractValidator<CancelDrillRequest>
{
    public CancelDrillValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(FieldLimits.Reason);
}

public static class CancelDrillEndpoint
{
    [WolverinePost("/api/v1/drills/{id}/cancel", OperationId = "cancelDrill")]
    [EndpointSummary("Cancel a drill")]
    [EndpointDescription("Calls off a scheduled or running drill, with a reason; a running drill's incident is left to the desk. A " +
        "finished drill: 409.")]
    [Authorize(Policy = Policies.ManageDrills)]
    [Tags(ApiTags.Drills)]
    [StepResponses<DrillResource>]
    public static async Task<IResult> Post([Description(PathParameters.DrillId)] Guid id, CancelDrillRequest? request, HttpContext http,
        DrillStep step, MessageContext bus)
    {
        if (RequestValidation.Check(http, new CancelDrillValidator(), request) is { } invalid)
        {
            return invalid;
        }

        return await step.Run(http, bus, id, (drill, actor, now, _) =>
            Task.FromResult(DrillDecider.Decide(new CancelDrill(request!.Reason!.Trim(), actor), drill, now)));
    }
}
