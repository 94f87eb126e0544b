using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Security.Integrity;

/// <summary>The page of a whole-store verification, as sent; <see cref="Read"/> checks it.</summary>
public sealed class StoreIntegrityQuery
{
    [FromQuery(Name = "after")]
    [Description("Continue after this stream id: the `next` of the previous page (absent: from the start).")]
    public string? After { get; set; }

    [FromQuery(Name = "limit")]
    [Description("Streams per page, 1 to 5000 (default 500).")]
    [Range(1, ChainVerifier.MaxPageSize)]
    public string? Limit { get; set; }

    /// <summary>The page, read; null when either value is unreadable, named in <paramref name="errors"/>.</summary>
    public StoreIntegrityPage? Read(Dictionary<string, string[]> errors)
    {
        var limit = QueryValues.Int(Limit, "limit", ChainVerifier.DefaultPageSize, 1, ChainVerifier.MaxPageSize, errors);
        var after = QueryValues.Id(After, "after", "'after' must be an incident id (the 'next' of the previous page).", errors);
        return errors.Count > 0 ? null : new StoreIntegrityPage(after, limit);
    }
}

/// <summary>The checked page of a whole-store verification.</summary>
public sealed record StoreIntegrityPage(Guid? After, int Limit);

public static class VerifyIntegrityEndpoints
{
    [ExpensiveRead]
    [WolverineGet("/api/v1/incidents/{id}/integrity", OperationId = "verifyIncidentIntegrity")]
    [EndpointSummary("Verify an incident's event chain")]
    [EndpointDescription("Recomputes the keyed chain of the incident's events, compares it with the head the last anchor " +
        "checkpoint recorded for it, and names the first broken link, if any. An incident the anchor knows and the store no " +
        "longer holds is reported broken, not unknown.")]
    [Authorize(Policy = Policies.VerifyIntegrity)]
    [Tags(ApiTags.Integrity)]
    [ProducesResponseType<IntegrityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> GetOne([Description(PathParameters.IncidentId)] Guid id, HttpContext http,
        IQuerySession session, ChainAnchors anchors) =>
        await ChainVerifier.VerifyStreamAsync(session, id, anchors.Read(), http.RequestAborted) is { } report
            ? TypedResults.Ok(report)
            : Problems.From(http, IncidentErrors.NotFound(id));

    [ExpensiveRead]
    [WolverineGet("/api/v1/integrity", OperationId = "verifyStoreIntegrity")]
    [EndpointSummary("Verify the whole event store")]
    [EndpointDescription("Recomputes the keyed chains of the whole store, a page of streams at a time (after, limit), and " +
        "compares each with the head the last anchor checkpoint recorded: every finding of the page (broken chains, streams " +
        "rewritten or deleted since the anchor, empty streams; a broken anchor log on the first page), the first broken " +
        "link, and `next` for the following page.")]
    [Authorize(Policy = Policies.VerifyIntegrity)]
    [Tags(ApiTags.Integrity)]
    [ProducesResponseType<IntegrityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetAll([AsParameters] StoreIntegrityQuery query, HttpContext http, IQuerySession session,
        ChainAnchors anchors)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } page)
        {
            return Problems.Validation(http, errors);
        }

        var (after, limit) = page;
        var report = await ChainVerifier.VerifyPageAsync(session, after, limit, anchors.Read(), http.RequestAborted);
        return TypedResults.Ok(report with { Next = report.Next is { } next ? $"{http.Request.Path}?after={next}&limit={limit}" : null });
    }
}
