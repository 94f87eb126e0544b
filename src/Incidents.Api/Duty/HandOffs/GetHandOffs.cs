using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.OnCall;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.HandOffs;

/// <summary>
/// One recorded hand-off: who handed over to whom at <c>at</c> (<c>to</c> null: nobody came on), what the incoming person
/// was told was open, and what became of the notice on each channel (<c>notified</c> false: nobody new came on, so nobody was told).
/// </summary>
public sealed record HandOffResource(Guid Id, Guid RosterId, string RosterName, DateTimeOffset At, string? From, string? To,
    string? ToName, DutyReason Reason, string? Layer, DateTimeOffset? ShiftEnd, int OpenIncidents, int OpenDrills, WorstClock? Worst,
    DateTimeOffset EvaluatedAt, bool Notified, IReadOnlyList<HandOffDelivery> Deliveries)
{
    public static HandOffResource Of(HandOffDetails d) => new(d.Id, d.RosterId, d.RosterName, d.At, d.From, d.To, d.ToName, d.Reason,
        d.Layer, d.ShiftEnd, d.Open.Incidents, d.Open.Drills, d.Open.Worst, d.EvaluatedAt, d.Notify, d.Deliveries);
}

public sealed record HandOffList(Guid RosterId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HandOffResource> HandOffs);

public static class GetHandOffsEndpoint
{
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(93);

    [WolverineGet("/api/v1/rosters/{id}/handoffs", OperationId = "getRosterHandOffs")]
    [EndpointSummary("A roster's recorded hand-offs")]
    [EndpointDescription("The hand-offs recorded from `from` (default a week before now) to `to` (default now, at most 93 days " +
        "after from), oldest first: who handed over to whom, the open production incidents and drills the incoming person was " +
        "told of, the worst SLA clock (negative remaining: breached) and the notice's receipts per channel (delivered, retrying, failed).")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<HandOffList>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.RosterId)] Guid id,
        [FromQuery(Name = "from")] [Description("Start (RFC 3339), default a week before `to`.")] string? from,
        [FromQuery(Name = "to")] [Description("End (RFC 3339), default now; at most 93 days after from.")] string? to,
        HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var end = QueryValues.Time(to, "to", errors) ?? clock.GetUtcNow();
        var start = QueryValues.Time(from, "from", errors) ?? end.AddDays(-7);
        if (errors.Count == 0 && end <= start)
        {
            errors["to"] = ["'to' must be after 'from': the window ends before it starts."];
        }
        else if (errors.Count == 0 && end - start > MaxRange)
        {
            errors["to"] = [$"At most {MaxRange.TotalDays:0} days after 'from'."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        if (await session.LoadAsync<RosterDetails>(id, http.RequestAborted) is null)
        {
            return Problems.From(http, DutyErrors.RosterNotFound(id));
        }

        var handOffs = await InWindowAsync(session, id, start, end, http.RequestAborted);
        return TypedResults.Ok(new HandOffList(id, start, end, handOffs.Select(HandOffResource.Of).ToList()));
    }

    /// <summary>The hand-offs of a roster at instants in [from, to), oldest first.</summary>
    public static async Task<IReadOnlyList<HandOffDetails>> InWindowAsync(IQuerySession session, Guid rosterId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct) =>
        await session.Query<HandOffDetails>().Where(h => h.RosterId == rosterId && h.At >= from && h.At < to)
            .OrderBy(h => h.At).Take(5000).ToListAsync(ct);
}
