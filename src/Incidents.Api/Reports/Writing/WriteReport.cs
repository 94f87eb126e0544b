using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Incidents.Domain.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Runtime;

namespace Incidents.Api.Reports.Writing;

public sealed record ImpactRequest(int? Users, int? Hospitals, long? Transactions, string? Description);

/// <summary>The sections the author completes. Each call replaces all of them (send what you have; submit checks them).</summary>
public sealed record RecordSectionsRequest(ImpactRequest? Impact, string? RootCause, CauseCategory? CauseCategory, string? Summary);

public sealed class RecordSectionsValidator : AbstractValidator<RecordSectionsRequest>
{
    public RecordSectionsValidator()
    {
        RuleFor(x => x.Impact!.Users).GreaterThanOrEqualTo(0).When(x => x.Impact is not null);
        RuleFor(x => x.Impact!.Hospitals).GreaterThanOrEqualTo(0).When(x => x.Impact is not null);
        RuleFor(x => x.Impact!.Transactions).GreaterThanOrEqualTo(0).When(x => x.Impact is not null);
        RuleFor(x => x.Impact!.Description).MaximumLength(FieldLimits.Description).When(x => x.Impact is not null);
        RuleFor(x => x.RootCause).MaximumLength(FieldLimits.Description);
        RuleFor(x => x.Summary).MaximumLength(FieldLimits.Summary);
    }
}

/// <summary>A corrective or preventive action; <c>owner</c> and <c>dueOn</c> are required (422 without them).</summary>
public sealed record AddActionRequest(ReportActionKind? Kind, string? Description, string? Owner, DateOnly? DueOn);

public sealed class AddActionValidator : AbstractValidator<AddActionRequest>
{
    public AddActionValidator()
    {
        RuleFor(x => x.Kind).NotNull();
        RuleFor(x => x.Description).NotEmpty().MaximumLength(FieldLimits.Reason);
        RuleFor(x => x.Owner).MaximumLength(FieldLimits.PersonName);
    }
}

public sealed record CompleteActionRequest(string? Note);

public sealed class CompleteActionValidator : AbstractValidator<CompleteActionRequest>
{
    public CompleteActionValidator() => RuleFor(x => x.Note).MaximumLength(FieldLimits.Comment);
}

public static class WriteReportEndpoints
{
    [WolverinePost("/api/v1/reports/{id}/sections", OperationId = "recordReportSections")]
    [EndpointSummary("Complete a report's sections")]
    [EndpointDescription("Records the sections the author completes: impact (users, hospitals, transactions, in words), root cause " +
        "and its category, summary. Replaces the previous values. A draft or a returned report only.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    public static Task<IResult> Sections([Description(PathParameters.ReportId)] Guid id, RecordSectionsRequest? request, HttpContext http,
        ReportStep step, MessageContext bus) =>
        RequestValidation.Check(http, new RecordSectionsValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) => ReportDecider.Decide(new RecordSections(
                new ReportImpact(request!.Impact?.Users, request.Impact?.Hospitals, request.Impact?.Transactions, Clean(request.Impact?.Description)),
                Clean(request.RootCause), request.CauseCategory, Clean(request.Summary), actor), report, now));

    [WolverinePost("/api/v1/reports/{id}/actions", OperationId = "addReportAction")]
    [EndpointSummary("Add a corrective or preventive action")]
    [EndpointDescription("Adds an action with its owner and due date (both required: 422 `report.action-owner-missing` / " +
        "`report.action-due-missing`). A draft or a returned report only.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> AddAction([Description(PathParameters.ReportId)] Guid id, AddActionRequest? request, HttpContext http,
        ReportStep step, MessageContext bus) =>
        RequestValidation.Check(http, new AddActionValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) => ReportDecider.Decide(
                new AddAction(request!.Kind!.Value, request.Description!.Trim(), request.Owner, request.DueOn, actor), report, now));

    [WolverinePost("/api/v1/reports/{id}/actions/{number}/done", OperationId = "completeReportAction")]
    [EndpointSummary("Mark an action done")]
    [EndpointDescription("Tracks a corrective or preventive action to done, with an optional note; whatever the report's status.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    public static Task<IResult> CompleteAction([Description(PathParameters.ReportId)] Guid id,
        [Description(PathParameters.ActionNumber)] int number, CompleteActionRequest? request, HttpContext http, ReportStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new CompleteActionValidator(), request ?? new CompleteActionRequest(null)) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (report, actor, now) =>
                ReportDecider.Decide(new CompleteAction(number, Clean(request?.Note), actor), report, now));

    [WolverinePost("/api/v1/reports/{id}/submit", OperationId = "submitReport")]
    [EndpointSummary("Submit a report to the purchaser")]
    [EndpointDescription("Submits a draft or a returned report. 422 `report.sections-missing` (naming them) while impact, root cause, " +
        "cause category, an action (and for a security event a containment step) are missing. Late when after the due time.")]
    [Authorize(Policy = Policies.WriteReports)]
    [Tags(ApiTags.Reports)]
    [StepResponses<ReportResource>]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)]
    public static Task<IResult> Submit([Description(PathParameters.ReportId)] Guid id, HttpContext http, ReportStep step, MessageContext bus) =>
        step.Run(http, bus, id, (report, actor, now) => ReportDecider.Decide(new SubmitReport(actor), report, now));

    internal static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
