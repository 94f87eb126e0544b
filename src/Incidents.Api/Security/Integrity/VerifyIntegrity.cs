using Incidents.Api.Http;
using Incidents.Domain.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Security.Integrity;

public static class VerifyIntegrityEndpoints
{
    /// <summary>Recomputes one incident's event chain; names the first broken link.</summary>
    [WolverineGet("/api/v1/incidents/{id}/integrity", OperationId = "verifyIncidentIntegrity")]
    [Authorize(Policy = Policies.VerifyIntegrity)]
    [Tags("Integrity")]
    [ProducesResponseType<IntegrityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> GetOne(Guid id, HttpContext http, IQuerySession session) =>
        await ChainVerifier.VerifyStreamAsync(session, id, http.RequestAborted) is { } report
            ? TypedResults.Ok(report)
            : Problems.From(http, IncidentErrors.NotFound(id));

    /// <summary>
    /// Recomputes the chains of the whole store, a page of streams at a time (<c>after</c>, <c>limit</c>): every finding of
    /// the page (broken chains, empty streams), the first broken link, and the next page.
    /// </summary>
    [WolverineGet("/api/v1/integrity", OperationId = "verifyStoreIntegrity")]
    [Authorize(Policy = Policies.VerifyIntegrity)]
    [Tags("Integrity")]
    [ProducesResponseType<IntegrityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetAll(HttpContext http, IQuerySession session)
    {
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var limit = QueryValues.Int(query, "limit", ChainVerifier.DefaultPageSize, 1, ChainVerifier.MaxPageSize, errors);
        Guid? after = null;
        if (query["after"].ToString() is { Length: > 0 } text)
        {
            if (Guid.TryParse(text, out var id))
            {
                after = id;
            }
            else
            {
                errors["after"] = ["'after' must be an incident id (the 'next' of the previous page)."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        var report = await ChainVerifier.VerifyPageAsync(session, after, limit, http.RequestAborted);
        return TypedResults.Ok(report with { Next = report.Next is { } next ? $"{http.Request.Path}?after={next}&limit={limit}" : null });
    }
}
