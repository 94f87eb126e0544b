using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Assurance;
using Incidents.Projections.Assurance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Assurance.Compliance;

public sealed record KeyAssurancePeriodLine(Guid Id, string Name, KeyAssuranceKind Kind, KeyAssuranceStatus Status, DateTimeOffset Start,
    DateTimeOffset End);

/// <summary>
/// A year against the contract: <c>held</c> periods (completed) of the <c>required</c> four, whether that is <c>met</c>, and
/// how many more are still <c>upcoming</c> (planned or active) that year; <c>periods</c> lists both, by start.
/// </summary>
public sealed record KeyAssuranceCompliance(int Year, int Required, int Held, int Upcoming, bool Met, IReadOnlyList<KeyAssurancePeriodLine> Periods);

/// <summary>The year asked for, as sent.</summary>
public sealed class KeyAssuranceComplianceQuery
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    [FromQuery(Name = "year")]
    [Description("Calendar year in Beijing time (UTC+8), by the period's start (default: this year).")]
    [Range(MinYear, MaxYear)]
    public string? Year { get; set; }
}

public static class GetKeyAssuranceComplianceEndpoint
{
    /// <summary>Years are counted in Beijing time: a Spring Festival period that starts at local midnight on 1 January belongs to that year.</summary>
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [WolverineGet("/api/v1/assurance-periods/compliance", OperationId = "getKeyAssuranceCompliance")]
    [EndpointSummary("Yearly key-assurance compliance")]
    [EndpointDescription("Key-assurance periods held (completed) in a calendar year, by their start in Beijing time, against " +
        "the four a year the contract pays for (2.1 item 18; 2.2.10 item 1; KeyAssurance:RequiredPerYear). Cancelled periods " +
        "do not count; planned and active ones are listed as upcoming.")]
    [Authorize(Policy = Policies.ReadKeyAssurance)]
    [Tags(ApiTags.KeyAssurance)]
    [ProducesResponseType<KeyAssuranceCompliance>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] KeyAssuranceComplianceQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock, KeyAssuranceSettings settings)
    {
        var errors = new Dictionary<string, string[]>();
        var thisYear = clock.GetUtcNow().ToOffset(Beijing).Year;
        var year = QueryValues.Int(query.Year, "year", thisYear, KeyAssuranceComplianceQuery.MinYear, KeyAssuranceComplianceQuery.MaxYear, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        // PostgreSQL takes instants in UTC only.
        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, Beijing).ToUniversalTime();
        var to = new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, Beijing).ToUniversalTime();
        var periods = await session.Query<KeyAssurancePeriodDetails>()
            .Where(p => p.Start >= from && p.Start < to && p.Status != KeyAssuranceStatus.Cancelled)
            .OrderBy(p => p.Start).ThenBy(p => p.Id)
            .ToListAsync(http.RequestAborted);
        var held = periods.Count(p => p.Status == KeyAssuranceStatus.Completed);
        return TypedResults.Ok(new KeyAssuranceCompliance(year, settings.RequiredPerYear, held, periods.Count - held,
            held >= settings.RequiredPerYear,
            periods.Select(p => new KeyAssurancePeriodLine(p.Id, p.Name, p.Kind, p.Status, p.Start, p.End)).ToList()));
    }
}
