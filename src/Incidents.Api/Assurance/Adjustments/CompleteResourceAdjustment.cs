using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using JasperFx;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Assurance.Adjustments;

public sealed record CompleteResourceAdjustmentRequest(string? Note);

public sealed class CompleteResourceAdjustmentValidator : AbstractValidator<CompleteResourceAdjustmentRequest>
{
    public CompleteResourceAdjustmentValidator() => RuleFor(x => x.Note).NotEmpty().MaximumLength(FieldLimits.Description);
}

public static class CompleteResourceAdjustmentEndpoint
{
    [WolverinePost("/api/v1/resource-adjustments/{id}/complete", OperationId = "completeResourceAdjustment")]
    [EndpointSummary("Record a resource adjustment as done")]
    [EndpointDescription("Stops the adjustment's clock with a note of what was changed; in time or late against its due time " +
        "(a late one stays breached). Announced on RabbitMQ.")]
    [Authorize(Policy = Policies.AdjustResources)]
    [Tags(ApiTags.KeyAssurance)]
    [StepResponses<ResourceAdjustmentResource>]
    public static async Task<IResult> Post([Description(KeyAssurancePaths.AdjustmentId)] Guid id, CompleteResourceAdjustmentRequest? request,
        HttpContext http, OutboxedSessionFactory sessions, MessageContext bus, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new CompleteResourceAdjustmentValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        await using var session = sessions.OpenSession(bus);
        var stream = await session.Events.FetchForWriting<ResourceAdjustmentDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } adjustment } before)
        {
            return Problems.From(http, KeyAssuranceErrors.AdjustmentNotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status412PreconditionFailed, "resource-adjustment.version-mismatch",
                "Stale version", $"Resource adjustment {id} is at version {before.Version}, not {seen}; reload it and try again."));
        }

        var decision = ResourceAdjustmentDecider.Decide(new CompleteResourceAdjustment(request!.Note!.Trim(), actor), adjustment, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = await ResourceAdjustmentStream.Stage(session, bus, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "resource-adjustment.concurrent-change",
                "Changed concurrently", $"Resource adjustment {id} changed while this request was processed; reload it and try again."));
        }

        return ResourceAdjustmentStream.Answer(http, after);
    }
}
