using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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

/// <summary>
/// One open stage on the hotline board. <c>dutyGap</c>: the last escalation level that found nobody on duty for one of
/// its targets (who, when) — the chain went on to the next level at once (docs/oncall.md).
/// <see cref="NotificationLag"/> is the delay of the incident's latest notification
/// receipt (event to delivery attempt); <see cref="NotificationLagWarning"/> says it is over a minute: people may not
/// have heard of what the board shows.
/// </summary>
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
    bool Breached,
    string? DutyGap = null,
    TimeSpan? NotificationLag = null,
    bool NotificationLagWarning = false,
    int Alerts = 0,
    bool AlertStorm = false);

/// <summary>The board; <see cref="NotificationLagWarning"/>: some incident on it was notified more than a minute late.</summary>
public sealed record SlaBoard(DateTimeOffset EvaluatedAt, IReadOnlyList<SlaBoardEntry> Entries, bool Truncated,
    bool NotificationLagWarning = false);

/// <summary>The filters of the board, as sent; <see cref="Read"/> checks them.</summary>
public sealed class SlaBoardQuery
{
    [FromQuery(Name = "class")]
    [Description("Classes, repeated or comma-separated: outage, fault, major-event, security-event.")]
    public List<string>? Class { get; set; }

    [FromQuery(Name = "system")]
    [Description("Affected system, exact match (at most 100 characters).")]
    public string? System { get; set; }

    [FromQuery(Name = "drills")]
    [Description("include (default: a drill is worked on the same board, flagged), exclude or only.")]
    public List<string>? Drills { get; set; }

    [FromQuery(Name = "limit")]
    [Description("At most this many incidents, 1 to 500 (default 100); `truncated` says when there were more.")]
    [Range(1, GetSlaBoardEndpoint.MaxLimit)]
    public string? Limit { get; set; }

    /// <summary>The filters, read; null when any is unreadable, each named in <paramref name="errors"/>.</summary>
    public SlaBoardFilter? Read(Dictionary<string, string[]> errors)
    {
        var classes = QueryValues.Enums<IncidentClass>(Class, "class", errors);
        var drills = QueryValues.Enums<DrillFilter>(Drills, "drills", errors);
        var limit = QueryValues.Int(Limit, "limit", GetSlaBoardEndpoint.DefaultLimit, 1, GetSlaBoardEndpoint.MaxLimit, errors);
        var system = QueryValues.Text(System, "system", FieldLimits.SystemName, errors);
        return errors.Count > 0 ? null : new SlaBoardFilter(classes, system, drills.Length == 0 ? DrillFilter.Include : drills[^1], limit);
    }
}

/// <summary>The checked filters of the board.</summary>
public sealed record SlaBoardFilter(IncidentClass[] Classes, string? System, DrillFilter Drills, int Limit);

public static class GetSlaBoardEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    [WolverineGet("/api/v1/sla/board", OperationId = "getSlaBoard")]
    [EndpointSummary("SLA board")]
    [EndpointDescription("Every open SLA stage, least time left first (breached ones on top), with warning and breached flags, and how late the incident's latest notification was (notificationLagWarning over 60 s).")]
    [Authorize(Policy = Policies.ReadIncidents)]
    [Tags(ApiTags.Sla)]
    [ProducesResponseType<SlaBoard>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] SlaBoardQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Read(errors) is not { } filter)
        {
            return Problems.Validation(http, errors);
        }

        var (classes, system, drillFilter, limit) = filter;
        IQueryable<IncidentDetails> views = session.Query<IncidentDetails>().Where(x => x.HasOpenStage);
        if (classes.Length > 0)
        {
            views = views.Where(x => classes.Contains(x.Class));
        }

        if (system is not null)
        {
            views = views.Where(x => x.AffectedSystem == system);
        }

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
                    c.Status, c.DueAt!.Value, c.Remaining!.Value, c.IsWarning, c.Status == SlaStageStatus.Breached, view.Escalation?.LastGap,
                    view.NotificationLag, Notifications.NotificationLag.IsLate(view.NotificationLag), view.Alerts?.Received ?? 0, view.Alerts?.IsStorm ?? false)))
            .OrderBy(e => e.DueAt)
            .ThenBy(e => e.IncidentId)
            .ToList();
        return TypedResults.Ok(new SlaBoard(now, entries, open.Count > limit, entries.Any(e => e.NotificationLagWarning)));
    }
}
