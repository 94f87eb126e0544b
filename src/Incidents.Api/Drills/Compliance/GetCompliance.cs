using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Incidents.Api.Drills.Compliance;

public sealed record KindCompliance(DrillKind Kind, int Required, int Completed, bool Met, IReadOnlyList<Guid> Drills);

/// <summary><see cref="Period"/>: the calendar year ("2026") or the contract year ("contract-year-1"), counted over [From, To).</summary>
public sealed record DrillCompliance(int Year, bool Compliant, IReadOnlyList<KindCompliance> Kinds, string? Period = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>The year of the compliance view, as sent.</summary>
public sealed class ComplianceQuery
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    [FromQuery(Name = "year")]
    [Description("Calendar year, UTC (default: this year).")]
    [Range(MinYear, MaxYear)]
    public string? Year { get; set; }

    [FromQuery(Name = "contractYear")]
    [Description("Count over this contract year instead (1 = from Contract:StartDate for a year, in the service's time zone).")]
    [Range(1, Kpis.Contract.ContractCalendar.MaxYears)]
    public string? ContractYear { get; set; }

    /// <summary>The year, read; this year when absent; null when unreadable, named in <paramref name="errors"/>.</summary>
    public int? Read(int thisYear, Dictionary<string, string[]> errors)
    {
        var year = QueryValues.Int(Year, "year", thisYear, MinYear, MaxYear, errors);
        return errors.Count > 0 ? null : year;
    }
}

public static class GetComplianceEndpoint
{
    [WolverineGet("/api/v1/drills/compliance", OperationId = "getDrillCompliance")]
    [EndpointSummary("Yearly drill compliance")]
    [EndpointDescription("Drills completed per kind in a calendar year (UTC, by completion time) against the configured " +
        "minimum (Drills:MinimumPerYear); with contractYear, over that contract year in the service's time zone.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<DrillCompliance>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] ComplianceQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock,
        IOptions<DrillOptions> options, IConfiguration configuration)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(clock.GetUtcNow().Year, errors) is not { } year)
        {
            return Problems.Validation(http, errors);
        }

        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddYears(1);
        var period = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (query.ContractYear is not null)
        {
            var number = QueryValues.Int(query.ContractYear, "contractYear", 1, 1, Kpis.Contract.ContractCalendar.MaxYears, errors);
            if (errors.Count > 0)
            {
                return Problems.Validation(http, errors);
            }

            var contractYear = Kpis.Contract.ContractCalendar.From(configuration).Year(number, Kpis.KpiData.Zone(configuration));
            (from, to, period, year) = (contractYear.From, contractYear.To, contractYear.Name, contractYear.FirstDay.Year);
        }

        return TypedResults.Ok(await CountAsync(session, options.Value, year, period, from, to, http.RequestAborted));
    }

    /// <summary>Drills completed per kind in [from, to) against the configured minimum.</summary>
    public static async Task<DrillCompliance> CountAsync(IQuerySession session, DrillOptions options, int year, string period,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var completed = await session.Query<DrillDetails>()
            .Where(d => d.Status == DrillStatus.Completed && d.CompletedAt >= from && d.CompletedAt < to)
            .ToListAsync(ct);

        var kinds = options.Minimums().Select(m =>
        {
            var done = completed.Where(d => d.Kind == m.Key).OrderBy(d => d.CompletedAt).Select(d => d.Id).ToList();
            return new KindCompliance(m.Key, m.Value, done.Count, done.Count >= m.Value, done);
        }).OrderBy(k => k.Kind).ToList();
        return new DrillCompliance(year, kinds.All(k => k.Met), kinds, period, from, to);
    }
}
