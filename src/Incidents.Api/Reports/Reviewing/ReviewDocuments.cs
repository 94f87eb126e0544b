using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Drills;
using Incidents.Api.Http;
using Incidents.Api.Kpis;
using Incidents.Api.Security;
using Incidents.Domain.Kpis;
using Incidents.Domain.Reports;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Runtime;

namespace Incidents.Api.Reports.Reviewing;

/// <summary>The purchaser's comment: optional when confirming, required when returning (422 <c>review.comment-required</c>).</summary>
public sealed record ReviewRequest(string? Comment);

public sealed class ReviewValidator : AbstractValidator<ReviewRequest>
{
    public ReviewValidator() => RuleFor(x => x.Comment).MaximumLength(FieldLimits.Comment);
}

/// <summary>The monthly report's review: whether the issued report is confirmed, and every decision in its stream.</summary>
public sealed record MonthlyReportReviewResource(string Month, bool Confirmed, IReadOnlyList<ReviewDecision> Decisions);

/// <summary>
/// The purchaser confirms or returns each document the contract asks it to check. Each decision is an event in that
/// document's own stream (hash-chained like every event); a confirmation is final (409 <c>review.already-confirmed</c>);
/// only the purchaser passes the policy (403 for everyone else).
/// </summary>
public static class ReviewDocumentsEndpoints
{
    [WolverinePost("/api/v1/reports/{id}/accept", OperationId = "acceptReport")]
    [EndpointSummary("Accept (confirm) a report")]
    [EndpointDescription("The purchaser accepts a submitted outage or security report. 409 `review.already-confirmed` when accepted " +
        "already, `review.not-submitted` when there is nothing to review.")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> Accept([Description(PathParameters.ReportId)] Guid id, ReviewRequest? request, HttpContext http,
        ReportStep step, MessageContext bus) => Review(id, true, request, http, step, bus);

    [WolverinePost("/api/v1/reports/{id}/return", OperationId = "returnReport")]
    [EndpointSummary("Return a report to its author")]
    [EndpointDescription("The purchaser returns a submitted report with a comment (required); the author edits and submits again.")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> Return([Description(PathParameters.ReportId)] Guid id, ReviewRequest? request, HttpContext http,
        ReportStep step, MessageContext bus) => Review(id, false, request, http, step, bus);

    private static Task<IResult> Review(Guid id, bool accept, ReviewRequest? request, HttpContext http, ReportStep step, MessageContext bus) =>
        RequestValidation.Check(http, new ReviewValidator(), request ?? new ReviewRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) =>
                ReportDecider.Decide(new ReviewReport(accept, WriteReportComment(request), actor), report, now));

    [WolverinePost("/api/v1/drills/{id}/scorecard/confirm", OperationId = "confirmDrillScorecard")]
    [EndpointSummary("Confirm a drill's scorecard")]
    [EndpointDescription("The purchaser confirms the scorecard of a completed drill (an event in the drill's stream).")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Reports)]
    [StepResponses<DrillResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> ConfirmScorecard([Description(PathParameters.DrillId)] Guid id, ReviewRequest? request, HttpContext http,
        DrillStep step, MessageContext bus) => ReviewScorecard(id, true, request, http, step, bus);

    [WolverinePost("/api/v1/drills/{id}/scorecard/return", OperationId = "returnDrillScorecard")]
    [EndpointSummary("Return a drill's scorecard")]
    [EndpointDescription("The purchaser returns the scorecard of a completed drill with a comment (required).")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Reports)]
    [StepResponses<DrillResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> ReturnScorecard([Description(PathParameters.DrillId)] Guid id, ReviewRequest? request, HttpContext http,
        DrillStep step, MessageContext bus) => ReviewScorecard(id, false, request, http, step, bus);

    private static Task<IResult> ReviewScorecard(Guid id, bool accept, ReviewRequest? request, HttpContext http, DrillStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new ReviewValidator(), request ?? new ReviewRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (drill, actor, now, _) =>
                Task.FromResult(ScorecardReview.Decide(new ReviewReport(accept, WriteReportComment(request), actor), drill, now)));

    [WolverinePost("/api/v1/reports/monthly/{month}/confirm", OperationId = "confirmMonthlyReport")]
    [EndpointSummary("Confirm the monthly report")]
    [EndpointDescription("The purchaser confirms the issued report on a month (an event in that month's report stream). 409 " +
        "`review.not-ready` before it is issued, `review.already-confirmed` the second time.")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<MonthlyReportReviewResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> ConfirmMonthly([Description(PathParameters.Month)] string month, ReviewRequest? request, HttpContext http,
        IDocumentSession session, TimeProvider clock, IConfiguration configuration) =>
        ReviewMonthly(month, true, request, http, session, clock, configuration);

    [WolverinePost("/api/v1/reports/monthly/{month}/return", OperationId = "returnMonthlyReport")]
    [EndpointSummary("Return the monthly report")]
    [EndpointDescription("The purchaser returns the issued report on a month with a comment (required); issuing it again opens a new review.")]
    [Authorize(Policy = Policies.ReviewDocuments)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<MonthlyReportReviewResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> ReturnMonthly([Description(PathParameters.Month)] string month, ReviewRequest? request, HttpContext http,
        IDocumentSession session, TimeProvider clock, IConfiguration configuration) =>
        ReviewMonthly(month, false, request, http, session, clock, configuration);

    private static async Task<IResult> ReviewMonthly(string month, bool accept, ReviewRequest? request, HttpContext http,
        IDocumentSession session, TimeProvider clock, IConfiguration configuration)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new ReviewValidator(), request ?? new ReviewRequest(null)) is { } invalid)
        {
            return invalid;
        }

        if (!KpiPeriod.TryParse(month, KpiData.Zone(configuration), out var period) || period.Granularity != KpiGranularity.Month)
        {
            return Problems.Validation(http, new Dictionary<string, string[]> { ["month"] = ["Use a month, e.g. 2026-11."] });
        }

        var streamId = MonthlyReports.StreamId(period.Name);
        var stream = (await session.Events.FetchStreamAsync(streamId, token: http.RequestAborted)).Select(e => e.Data).ToList();
        var decision = MonthlyReportReview.Decide(period.Name, new ReviewReport(accept, WriteReportComment(request), actor), stream,
            clock.GetUtcNow());
        if (decision.Error is { } error)
        {
            return Problems.From(http, error);
        }

        // The chain listener links these events from the stream's head document (an append at the expected version).
        session.Events.Append(streamId, stream.Count + decision.Events.Count, decision.Events.ToArray());
        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "review.concurrent-change", "Changed concurrently",
                $"The report on {period.Name} changed while this request was processed; reload it and try again."));
        }

        var all = stream.Concat(decision.Events).ToList();
        var decisions = all.Select(e => e switch
        {
            MonthlyReportConfirmed c => new ReviewDecision(true, c.Comment, c.By, c.At),
            MonthlyReportReturned r => new ReviewDecision(false, r.Comment, r.By, r.At),
            _ => null,
        }).OfType<ReviewDecision>().ToList();
        return TypedResults.Ok(new MonthlyReportReviewResource(period.Name, MonthlyReportReview.StateOf(all).Last is { Accepted: true }, decisions));
    }

    private static string? WriteReportComment(ReviewRequest? request) => Writing.WriteReportEndpoints.Clean(request?.Comment);
}
