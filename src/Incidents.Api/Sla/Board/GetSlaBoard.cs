using Incidents.Api.Http;
using Incidents.Api.Incidents.Listing;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Sla.Board;

/// <summary>One open stage on the hotline board.</summary>
public sealed record SlaBoardEntry(
    Guid IncidentId,
    string Title,
    IncidentClass Class,
    string AffectedSystem,
    bool IsDrill,
    SlaStage Stage,
    SlaStageStatus Status,
    DateTimeOffset DueAt,
    TimeSpan Remaining,
    bool Warning,
    bool Breached);

public sealed record SlaBoard(DateTimeOffset EvaluatedAt, IReadOnlyList<SlaBoardEntry> Entries, bool Truncated);

public static class GetSlaBoardEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>
    /// Every open SLA stage, least time left first (breached ones on top), with warning and breached flags.
    /// Filters: <c>class</c> (repeat or comma-separate), <c>system</c>, <c>drills</c> = include (default: a drill is
    /// worked on the same board, flagged) | exclude | only; <c>limit</c> incidents (default 100, max 500).
    /// </summary>
    [WolverineGet("/api/v1/sla/board", OperationId = "getSlaBoard")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags("SLA")]
    [ProducesResponseType<SlaBoard>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get(HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var classes = QueryValues.Enums<IncidentClass>(query, "class", errors);
        var drills = QueryValues.Enums<DrillFilter>(query, "drills", errors);
        var limit = QueryValues.Int(query, "limit", DefaultLimit, 1, MaxLimit, errors);
        var system = QueryValues.Text(query, "system", FieldLimits.SystemName, errors) ?? "";
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<IncidentDetails> views = session.Query<IncidentDetails>().Where(x => x.HasOpenStage);
        if (classes.Length > 0)
        {
            views = views.Where(x => classes.Contains(x.Class));
        }

        if (system.Length > 0)
        {
            views = views.Where(x => x.AffectedSystem == system);
        }

        var drillFilter = drills.Length == 0 ? DrillFilter.Include : drills[^1];
        views = (IncidentAccess.SeesDrillsOnly(http) ? DrillFilter.Only : drillFilter) switch
        {
            DrillFilter.Exclude => views.Where(x => !x.IsDrill),
            DrillFilter.Only => views.Where(x => x.IsDrill),
            _ => views,
        };

        var open = await views.OrderBy(x => x.NextDueAt).ThenBy(x => x.Id).Take(limit + 1).ToListAsync(http.RequestAborted);
        var now = clock.GetUtcNow();
        var entries = open.Take(limit)
            .SelectMany(view => SlaClock.Evaluate(view.Sla!, now)
                .Where(c => c.Status is SlaStageStatus.Running or SlaStageStatus.Breached)
                .Select(c => new SlaBoardEntry(view.Id, view.Title, view.Class, view.AffectedSystem, view.IsDrill, c.Stage,
                    c.Status, c.DueAt!.Value, c.Remaining!.Value, c.IsWarning, c.Status == SlaStageStatus.Breached)))
            .OrderBy(e => e.DueAt)
            .ThenBy(e => e.IncidentId)
            .ToList();
        return TypedResults.Ok(new SlaBoard(now, entries, open.Count > limit));
    }
}
