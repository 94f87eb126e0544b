using FluentValidation;
using Incidents.Api.Http;

namespace Incidents.Api.Maintenance;

/// <summary>The purchaser's approval (of a maintenance window or a force-majeure claim), with an optional comment.</summary>
public sealed record ApprovalRequest(string? Comment);

/// <summary>The purchaser's refusal, saying why.</summary>
public sealed record RefusalRequest(string? Comment);

public sealed class ApprovalValidator : AbstractValidator<ApprovalRequest>
{
    public ApprovalValidator() => RuleFor(x => x.Comment).MaximumLength(FieldLimits.Comment);
}

public sealed class RefusalValidator : AbstractValidator<RefusalRequest>
{
    public RefusalValidator() => RuleFor(x => x.Comment).NotEmpty().MaximumLength(FieldLimits.Comment);
}
