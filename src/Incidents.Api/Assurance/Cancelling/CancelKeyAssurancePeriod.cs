using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.Api.Assurance.Cancelling;

public sealed record CancelKeyAssurancePeriodRequest(string? Reason);

public sealed class CancelKeyAssurancePeriodValidator : AbstractValidator<CancelKeyAssurancePeriodRequest>
{
    public CancelKeyAssurancePeriodValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(2000);
}

public static class CancelKeyAssurancePeriodEndpoint
{
    [WolverinePost("/api/v1/assurance-periods/{id}/cancel", OperationId = "cancelKeyAssurancePeriod")]
    [EndpointSummary("Cancel a key-assurance period")]
    [EndpointDescription("Calls off a planned or active period, with a reason. From then on no incident gets its tighter " +
        "policy (incidents already reported keep theirs) and it does not count towards the year's four.")]
    [Authorize(Policy = Policies.PlanKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [StepResponses<KeyAssurancePeriodResource>]
    public static async Task<IResult> Post([Description(KeyAssurancePaths.PeriodId)] Guid id, CancelKeyAssurancePeriodRequest? request,
        HttpContext http, OutboxedSessionFactory sessions, MessageContext bus, TimeProvider clock)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new CancelKeyAssurancePeriodValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var (invalidIfMatch, expected) = ETags.ExpectedVersion(http);
        if (invalidIfMatch)
        {
            return ETags.InvalidIfMatch(http);
        }

        await using var session = sessions.OpenSession(bus);
        var stream = await session.Events.FetchForWriting<KeyAssurancePeriodDetails>(id, http.RequestAborted);
        if (stream.Aggregate is not { State: { } period } before)
        {
            return Problems.From(http, KeyAssuranceErrors.NotFound(id));
        }

        if (expected is { } seen && seen != before.Version)
        {
            return KeyAssuranceStream.StaleVersion(http, id, seen, before.Version);
        }

        var decision = KeyAssuranceDecider.Decide(new CancelKeyAssurancePeriod(request!.Reason!.Trim(), actor), period, clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        var after = await KeyAssuranceStream.Stage(session, bus, id, before, decision.Events);
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return KeyAssuranceStream.ConcurrentChange(http, id);
        }

        return KeyAssuranceStream.Answer(http, after);
    }
}
