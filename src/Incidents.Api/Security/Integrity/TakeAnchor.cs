using Incidents.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Security.Integrity;

/// <summary>A checkpoint just taken: its place in the anchor log, when, how many heads, and its signature.</summary>
public sealed record AnchorTaken(long Sequence, DateTimeOffset TakenAt, int Streams, string Signature);

public static class TakeAnchorEndpoint
{
    [WolverinePost("/api/v1/integrity/anchors", OperationId = "takeIntegrityAnchor")]
    [EndpointSummary("Anchor every chain head now")]
    [EndpointDescription("Takes a signed checkpoint of every stream's chain head now (besides the schedule, " +
        "Integrity:Anchors:Interval), appends it to the anchor log outside the database and announces it on the broker " +
        "(incidents.anchors). Verification then compares the chains with it. 409 when the anchor log itself does not verify.")]
    [Authorize(Policy = Policies.AnchorIntegrity)]
    [Tags(ApiTags.Integrity)]
    [ProducesResponseType<AnchorTaken>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, Problems.ContentType)]
    public static async Task<IResult> Post(HttpContext http, ChainAnchors anchors)
    {
        if (anchors.Read().Problem is { } problem)
        {
            return Problems.Result(Problems.Create(http, StatusCodes.Status409Conflict, "integrity.anchor-log-broken",
                "The anchor log does not verify",
                $"No checkpoint is added to a log that does not verify ({problem}); see docs/security.md."));
        }

        var checkpoint = await anchors.TakeAsync(http.RequestAborted);
        return TypedResults.Ok(new AnchorTaken(checkpoint.Sequence, checkpoint.TakenAt, checkpoint.Heads.Count, checkpoint.Signature));
    }
}
