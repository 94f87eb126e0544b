using System.ComponentModel;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Incidents;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Runtime;
using Wolverine.Http;

namespace Incidents.Api.Incidents.Commenting;

public sealed record CommentOnIncidentRequest(string? Text);

public sealed class CommentOnIncidentValidator : AbstractValidator<CommentOnIncidentRequest>
{
    public CommentOnIncidentValidator() => RuleFor(x => x.Text).NotEmpty().MaximumLength(FieldLimits.Comment);
}

/// <summary>The configured cap of comments per incident per hour (<c>RateLimits:CommentsPerIncidentPerHour</c>, <see cref="CommentLimit"/>).</summary>
public static class CommentCap
{
    public const string Setting = "RateLimits:CommentsPerIncidentPerHour";

    /// <summary>Reads the cap, refusing the start when it is out of range.</summary>
    public static int Read(IConfiguration configuration)
    {
        var perHour = configuration.GetValue(Setting, CommentLimit.DefaultPerHour);
        return perHour is >= 1 and <= CommentLimit.MaxPerHour
            ? perHour
            : throw new InvalidOperationException($"{Setting} must be between 1 and {CommentLimit.MaxPerHour}, not {perHour}.");
    }

    // Read from the host's configuration (bound once at start-up by AddIncidentsSecurity), not a new endpoint parameter.
    public static int PerHour(HttpContext http) => http.RequestServices.GetRequiredService<CommentCapSetting>().PerHour;
}

/// <summary>The cap as configured at start-up.</summary>
public sealed record CommentCapSetting(int PerHour);

public static class CommentOnIncidentEndpoint
{
    [WolverinePost("/api/v1/incidents/{id}/comments", OperationId = "commentOnIncident")]
    [EndpointSummary("Comment")]
    [EndpointDescription("Adds a note to the record; allowed in every state, closed included. At most " +
        "RateLimits:CommentsPerIncidentPerHour comments per incident in any hour (default 60): beyond it 429 " +
        "incident.comment-limit with Retry-After, and nothing is stored.")]
    [Authorize(Policy = Policies.WorkIncidents)]
    [Tags(ApiTags.Incidents)]
    [StepResponses<IncidentResource>]
    public static Task<IResult> Post([Description(PathParameters.IncidentId)] Guid id, CommentOnIncidentRequest? request,
        HttpContext http, IncidentStep step,
        MessageContext bus) =>
        RequestValidation.Check(http, new CommentOnIncidentValidator(), request) is { } invalid
            ? Task.FromResult(invalid)
            : step.Run(http, bus, id, (incident, actor, now) =>
                IncidentDecider.Decide(new CommentOnIncident(Guid.CreateVersion7(), request!.Text!.Trim(), actor,
                    CommentCap.PerHour(http)), incident, now));
}
