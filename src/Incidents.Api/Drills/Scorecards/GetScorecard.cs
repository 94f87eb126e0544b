using System.ComponentModel;
using Incidents.Contracts;
using System.Globalization;
using System.Text;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Domain.Notifications;
using Incidents.Domain.Sla;
using Incidents.Projections.Drills;
using Incidents.Projections.Incidents;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Drills.Scorecards;

/// <summary>One SLA stage of the drill's incident: the target against the time it actually took.</summary>
public sealed record StageScore(SlaStage Stage, TimeSpan? Target, DateTimeOffset? DueAt, DateTimeOffset? StoppedAt, TimeSpan Actual,
    SlaStageStatus Outcome, bool Met);

public sealed record ObjectiveScore(string Objective, bool Met);

/// <summary>
/// One delivery attempt of the notification worker for the drill's incident, as recorded in the incident's stream:
/// who was notified of what (the trigger and the incident version it reported), on which channel, when, and how it went
/// (<c>delivered</c> or <c>failed</c> with the reason and whether the worker retries).
/// </summary>
public sealed record NotificationAttemptScore(
    string Recipient,
    string Channel,
    string Trigger,
    long SourceVersion,
    DateTimeOffset At,
    int Attempt,
    string Outcome,
    string? Reason,
    bool? WillRetry);

/// <summary>The notifications of the drill's incident; <see cref="Note"/> summarises them ("none recorded" when empty).</summary>
public sealed record NotificationScore(string Note, IReadOnlyList<NotificationAttemptScore> Attempts)
{
    public const string DrillNote = "Every message this drill's incident published carries isDrill: true.";

    /// <summary>The notification receipts among the incident's events, in stream order.</summary>
    public static NotificationScore From(IEnumerable<object> events)
    {
        var attempts = events.Select(e => e switch
        {
            NotificationDelivered d => new NotificationAttemptScore(d.Recipient, d.Channel, d.Trigger, d.SourceVersion, d.At, d.Attempt,
                "delivered", null, null),
            NotificationFailed f => new NotificationAttemptScore(f.Recipient, f.Channel, f.Trigger, f.SourceVersion, f.At, f.Attempt,
                NotificationOutcomes.Failed, f.Reason, f.WillRetry),
            _ => null,
        }).OfType<NotificationAttemptScore>().ToList();
        var delivered = attempts.Count(a => a.Outcome == "delivered");
        var note = attempts.Count == 0
            ? $"None recorded: the notification worker reported no delivery attempt for this drill's incident. {DrillNote}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{attempts.Count} delivery attempt(s) recorded: {delivered} delivered, {attempts.Count - delivered} failed. {DrillNote}");
        return new NotificationScore(note, attempts);
    }
}

/// <summary>How the drill went, computed with the same SLA engine as for real incidents.</summary>
public sealed record DrillScorecard(
    Guid DrillId,
    string Title,
    DrillKind Kind,
    DrillStatus Status,
    string AffectedSystem,
    DateTimeOffset PlannedStart,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    Guid? IncidentId,
    IncidentStatus? IncidentStatus,
    IncidentClass? IncidentClass,
    string? SlaPolicy,
    IReadOnlyList<StageScore> Stages,
    Actor? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    IReadOnlyList<string> RespondersOnSite,
    IReadOnlyList<ObjectiveScore> Objectives,
    string? LessonsLearned,
    NotificationScore Notifications,
    IReadOnlyList<DrillInjectResource> Injects,
    DateTimeOffset EvaluatedAt);

public static class GetScorecardEndpoint
{
    [WolverineGet("/api/v1/drills/{id}/scorecard", OperationId = "getDrillScorecard")]
    [EndpointSummary("Drill scorecard")]
    [EndpointDescription("Per SLA stage target against actual time, who acknowledged, notifications, each inject (planned time, " +
        "when recorded, applied or skipped with the reason), objectives met, lessons learned.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<DrillScorecard>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.DrillId)] Guid id, HttpContext http,
        IQuerySession session, TimeProvider clock) =>
        await Build(id, http, session, clock) is { } card ? TypedResults.Ok(card) : Problems.From(http, DrillErrors.NotFound(id));

    [WolverineGet("/api/v1/drills/{id}/scorecard.md", OperationId = "getDrillScorecardReport")]
    [EndpointSummary("Drill scorecard (Markdown)")]
    [EndpointDescription("The scorecard as a printable Markdown report.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/markdown")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> GetReport([Description(PathParameters.DrillId)] Guid id, HttpContext http,
        IQuerySession session, TimeProvider clock) =>
        await Build(id, http, session, clock) is { } card
            ? TypedResults.Text(ScorecardReport.Markdown(card), "text/markdown; charset=utf-8")
            : Problems.From(http, DrillErrors.NotFound(id));

    public static async Task<DrillScorecard?> Build(Guid id, HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        if (await session.LoadAsync<DrillDetails>(id, ct) is not { } drill)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        IncidentDetails? incident = null;
        var notifications = NotificationScore.From([]);
        if (drill.IncidentId is { } incidentId)
        {
            incident = await session.LoadAsync<IncidentDetails>(incidentId, ct);
            var events = await session.Events.FetchStreamAsync(incidentId, token: ct);
            notifications = NotificationScore.From(events.Select(e => e.Data));
        }

        var stages = incident?.Sla is { } state
            ? SlaClock.Evaluate(state, now).Select(s => new StageScore(s.Stage, s.Target, s.DueAt, s.StoppedAt, s.Elapsed, s.Status,
                s.Status == SlaStageStatus.Met)).ToList()
            : [];
        return new DrillScorecard(
            drill.Id, drill.Title, drill.Kind, drill.Status, drill.AffectedSystem, drill.PlannedStart, drill.StartedAt, drill.CompletedAt,
            drill.IncidentId, incident?.Status, incident?.Class, incident is null ? null : $"{incident.SlaPolicyName} v{incident.SlaPolicyVersion}",
            stages, incident?.AcknowledgedBy, incident?.AcknowledgedAt,
            incident?.Responders.Where(r => r.ArrivedAt is not null).Select(r => $"{r.Name} ({r.Id}) at {r.ArrivedAt:O}").ToList() ?? [],
            drill.Objectives.Select(o => new ObjectiveScore(o, drill.ObjectivesMet.Contains(o))).ToList(),
            drill.LessonsLearned,
            notifications,
            DrillInjectResource.From(drill),
            now);
    }
}

/// <summary>Renders a scorecard as Markdown for printing or pasting into the drill report.</summary>
public static class ScorecardReport
{
    public static string Markdown(DrillScorecard card)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Drill scorecard: {Escape(card.Title)}").AppendLine();
        md.AppendLine(inv, $"- Drill: `{card.DrillId}` ({Name(card.Kind)}), status **{Name(card.Status)}**");
        md.AppendLine(inv, $"- System: {Escape(card.AffectedSystem)}; planned start {card.PlannedStart:u}; started {Time(card.StartedAt)}; completed {Time(card.CompletedAt)}");
        md.AppendLine(inv, $"- Synthetic incident: {(card.IncidentId is { } i ? $"`{i}` ({Name(card.IncidentClass)}, {Name(card.IncidentStatus)})" : "not reported yet")}; SLA policy {card.SlaPolicy ?? "—"}");
        md.AppendLine().AppendLine("## SLA stages").AppendLine();
        md.AppendLine("| stage | target | actual | outcome |").AppendLine("| --- | --- | --- | --- |");
        foreach (var s in card.Stages)
        {
            md.AppendLine(inv, $"| {Name(s.Stage)} | {Duration(s.Target)} | {Duration(s.Actual)}{(s.StoppedAt is null ? " (still open)" : "")} | {(s.Met ? "met" : Name(s.Outcome))} |");
        }

        if (card.Stages.Count == 0)
        {
            md.AppendLine("| — | — | — | the drill has not started |");
        }

        md.AppendLine().AppendLine("## People").AppendLine();
        md.AppendLine(inv, $"- Acknowledged by: {(card.AcknowledgedBy is { } by ? $"{Escape(by.Name)} ({Escape(by.Id)}) at {card.AcknowledgedAt:u}" : "nobody yet")}");
        md.AppendLine(inv, $"- On site: {(card.RespondersOnSite.Count == 0 ? "nobody" : Escape(string.Join("; ", card.RespondersOnSite)))}");
        md.AppendLine().AppendLine("## Notifications").AppendLine().AppendLine(card.Notifications.Note);
        if (card.Notifications.Attempts.Count > 0)
        {
            md.AppendLine().AppendLine("| at | recipient | channel | trigger | attempt | outcome |").AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var a in card.Notifications.Attempts)
            {
                var outcome = a.Outcome == NotificationOutcomes.Failed
                    ? $"failed: {Escape(a.Reason ?? "unknown")}{(a.WillRetry == true ? " (will retry)" : "")}"
                    : a.Outcome;
                md.AppendLine(inv, $"| {a.At:u} | {Escape(a.Recipient)} | {Escape(a.Channel)} | {Escape(a.Trigger)} (v{a.SourceVersion}) | {a.Attempt} | {outcome} |");
            }
        }

        md.AppendLine().AppendLine("## Injects").AppendLine();
        if (card.Injects.Count == 0)
        {
            md.AppendLine("None planned.");
        }
        else
        {
            md.AppendLine("| # | planned at | offset | inject | recorded at | outcome |").AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var inject in card.Injects)
            {
                var what = string.Join("; ", new[]
                {
                    inject.ReclassifyTo is { } to ? $"reclassify to {Name(to)}" : null,
                    inject.Comment is { } said ? $"caller: \"{Escape(said)}\"" : null,
                }.OfType<string>());
                var outcome = inject.Reason is { } reason ? $"{Name(inject.Status)} ({Escape(reason)})" : Name(inject.Status);
                md.AppendLine(inv, $"| {inject.Index + 1} | {inject.PlannedAt:u} | {Duration(inject.Offset)} | {Escape(inject.Description)}: {what} | {Time(inject.RecordedAt)} | {outcome} |");
            }
        }

        md.AppendLine().AppendLine("## Objectives").AppendLine();
        foreach (var o in card.Objectives)
        {
            md.AppendLine(inv, $"- [{(o.Met ? "x" : " ")}] {Escape(o.Objective)}");
        }

        md.AppendLine().AppendLine("## Lessons learned").AppendLine();
        md.AppendLine(string.IsNullOrWhiteSpace(card.LessonsLearned) ? "None recorded." : Escape(card.LessonsLearned));
        md.AppendLine().AppendLine(inv, $"_Evaluated at {card.EvaluatedAt:u}._");
        return md.ToString();
    }

    private static string Name<T>(T value) where T : struct, Enum => QueryValues.Name(value);

    private static string Name<T>(T? value) where T : struct, Enum => value is { } v ? QueryValues.Name(v) : "—";

    private static string Time(DateTimeOffset? at) => at is { } t ? t.ToString("u", CultureInfo.InvariantCulture) : "—";

    private static string Duration(TimeSpan? span) => span is { } s ? System.Xml.XmlConvert.ToString(s) : "—";

    /// <summary>Keeps user text from breaking the table or injecting markup.</summary>
    private static string Escape(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace("\r", "").Replace("\n", " ");
}
