using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Reports.Opening;
using Incidents.Api.Security;
using Incidents.Domain;
using Incidents.Domain.Reports;
using Incidents.Projections.Reports;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Runtime;

namespace Incidents.Api.Reports.SecurityEvents;

/// <summary>Marks an incident a security event of a grade (特别重大 / 重大 / 较大 / 一般).</summary>
public sealed record MarkSecurityEventRequest(SecurityGrade? Grade);

public sealed class MarkSecurityEventValidator : AbstractValidator<MarkSecurityEventRequest>
{
    public MarkSecurityEventValidator() => RuleFor(x => x.Grade).NotNull();
}

public sealed record RecordContainmentRequest(string? Description, DateTimeOffset? TakenAt);

public sealed class RecordContainmentValidator : AbstractValidator<RecordContainmentRequest>
{
    public RecordContainmentValidator() => RuleFor(x => x.Description).NotEmpty().MaximumLength(FieldLimits.Reason);
}

/// <summary>A notice given: to whom (purchaser or regulator), the party (e.g. the regulator's office), when, how, the reference.</summary>
public sealed record RecordNoticeRequest(NoticeRecipient? Recipient, string? Party, DateTimeOffset? NotifiedAt, string? Channel, string? Reference);

public sealed class RecordNoticeValidator : AbstractValidator<RecordNoticeRequest>
{
    public RecordNoticeValidator()
    {
        RuleFor(x => x.Recipient).NotNull();
        RuleFor(x => x.Party).NotEmpty().MaximumLength(FieldLimits.PersonName);
        RuleFor(x => x.Channel).NotEmpty().MaximumLength(FieldLimits.PersonName);
        RuleFor(x => x.Reference).MaximumLength(FieldLimits.Id);
    }
}

public static class SecurityEventEndpoints
{
    [WolverinePost("/api/v1/incidents/{id}/security-event", OperationId = "markSecurityEvent")]
    [EndpointSummary("Mark an incident a security event")]
    [EndpointDescription("Opens the incident's security event record and analysis report (a stream of its own) with the grade, and " +
        "starts the notice clocks for the purchaser and the regulator (configuration Reports:NoticeWithin). 409 " +
        "`report.already-exists` the second time.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [ProducesResponseType<ReportResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Mark([Description(PathParameters.IncidentId)] Guid id, MarkSecurityEventRequest? request,
        HttpContext http, IDocumentSession session, MessageContext bus, TimeProvider clock, ReportDuePolicy policy)
    {
        if (RequestActor.From(http) is not { } actor)
        {
            return RequestActor.Missing(http);
        }

        if (RequestValidation.Check(http, new MarkSecurityEventValidator(), request) is { } invalid)
        {
            return invalid;
        }

        var reportId = ReportDecider.IdFor(id, ReportKind.Security);
        if (await session.LoadAsync<ReportDetails>(reportId, http.RequestAborted) is not null)
        {
            return Problems.From(http, ReportErrors.AlreadyOpen(id, ReportKind.Security));
        }

        var opened = await ReportOpening.Open(session, bus, clock, policy, id, ReportKind.Security, request!.Grade, actor, http.RequestAborted);
        if (opened.Error is { } error)
        {
            return Problems.From(http, error);
        }

        Audit.Stamp(session, http, actor);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return Problems.From(http, ReportErrors.AlreadyOpen(id, ReportKind.Security));
        }

        return ReportStream.Answer(http, opened.Report!, clock.GetUtcNow(), created: true);
    }

    [WolverinePost("/api/v1/reports/{id}/containment", OperationId = "recordContainment")]
    [EndpointSummary("Record a containment step")]
    [EndpointDescription("A containment step taken on a security event (default: now). Security reports only (409 `report.not-security`).")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    public static Task<IResult> Containment([Description(PathParameters.ReportId)] Guid id, RecordContainmentRequest? request,
        HttpContext http, ReportStep step, MessageContext bus) =>
        RequestValidation.Check(http, new RecordContainmentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) =>
                ReportDecider.Decide(new RecordContainment(request!.Description!.Trim(), request.TakenAt, actor), report, now));

    [WolverinePost("/api/v1/reports/{id}/notices", OperationId = "recordSecurityNotice")]
    [EndpointSummary("Record a notice to the purchaser or a regulator")]
    [EndpointDescription("Who was notified, when (default: now), over which channel and with which reference number; stops that " +
        "recipient's notice clock. Security reports only.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    public static Task<IResult> Notice([Description(PathParameters.ReportId)] Guid id, RecordNoticeRequest? request,
        HttpContext http, ReportStep step, MessageContext bus) =>
        RequestValidation.Check(http, new RecordNoticeValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) => ReportDecider.Decide(new RecordNotice(request!.Recipient!.Value,
                request.Party!.Trim(), request.NotifiedAt, request.Channel!.Trim(), Writing.WriteReportEndpoints.Clean(request.Reference), actor),
                report, now));
}

/// <summary>Records the notice warnings and breaches due when a notice timer fires (stale or repeated timers add nothing).</summary>
public static class SecurityNoticeDueHandler
{
    public static async Task Handle(SecurityNoticeDue due, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        session.LastModifiedBy = Actor.System.Id;
        var stream = await session.Events.FetchForWriting<ReportDetails>(due.ReportId, ct);
        if (stream.Aggregate is not { State: { } report } before)
        {
            return;
        }

        var events = NoticeClock.Due(report, clock.GetUtcNow());
        if (events.Count == 0)
        {
            return;
        }

        await ReportStream.Stage(session, bus, due.ReportId, before, events);
        await session.SaveChangesAsync(ct);
    }
}
