using System.ComponentModel;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.People;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.OnCall;

public sealed record ShiftList(Guid RosterId, string RosterName, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? AsOf,
    IReadOnlyList<ShiftResource> Shifts);

/// <summary>The computed shifts of a roster and the calendar feeds (per roster, per person).</summary>
public static class GetShiftsEndpoints
{
    public const string CalendarType = "text/calendar; charset=utf-8";

    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(93);

    [WolverineGet("/api/v1/rosters/{id}/shifts", OperationId = "getRosterShifts")]
    [EndpointSummary("A roster's shifts")]
    [EndpointDescription("The shifts from `from` (default now) to `to` (default a week later, at most 93 days): each with who " +
        "is on and why (rotation, holiday, override, swap, nobody). With `asOf`, the shifts as the roster was known then.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<ShiftList>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Shifts([Description(PathParameters.RosterId)] Guid id,
        [FromQuery(Name = "from")] [Description("Start (RFC 3339), default now.")] string? from,
        [FromQuery(Name = "to")] [Description("End (RFC 3339), default a week after from; at most 93 days after it.")] string? to,
        [FromQuery(Name = "asOf")] [Description("The roster as it was known at this instant (RFC 3339).")] string? asOf,
        HttpContext http, IQuerySession session, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = Range(from, to, clock.GetUtcNow(), TimeSpan.FromDays(7), errors);
        var knownAt = QueryValues.Time(asOf, "asOf", errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        var data = await OnCallData.LoadAsync(session, id, null, http.RequestAborted);
        if (data.Rosters is not [var roster])
        {
            return Problems.From(http, DutyErrors.RosterNotFound(id));
        }

        var shifts = OnCallData.Duty(roster, knownAt).Shifts(start, end).Select(data.Phrase).ToList();
        return TypedResults.Ok(new ShiftList(roster.Id, roster.Name, start, end, knownAt, shifts));
    }

    [WolverineGet("/api/v1/rosters/{id}/calendar.ics", OperationId = "getRosterCalendar")]
    [EndpointSummary("A roster's shifts (iCalendar)")]
    [EndpointDescription("An iCalendar (RFC 5545) feed of the roster's shifts from a week ago to eight weeks ahead, one event per shift naming who is on and why.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/calendar")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> RosterCalendar([Description(PathParameters.RosterId)] Guid id, HttpContext http, IQuerySession session,
        TimeProvider clock)
    {
        var data = await OnCallData.LoadAsync(session, id, null, http.RequestAborted);
        if (data.Rosters is not [var roster])
        {
            return Problems.From(http, DutyErrors.RosterNotFound(id));
        }

        var now = clock.GetUtcNow();
        var shifts = OnCallData.Duty(roster).Shifts(now.AddDays(-7), now.AddDays(56)).Where(s => s.PersonId is not null)
            .Select(s => (roster, s));
        return TypedResults.Text(Render($"On duty: {roster.Name}", shifts, data, now), CalendarType);
    }

    [WolverineGet("/api/v1/people/{personId}/calendar.ics", OperationId = "getPersonCalendar")]
    [EndpointSummary("A person's shifts (iCalendar)")]
    [EndpointDescription("An iCalendar (RFC 5545) feed of one person's shifts in every roster, from a week ago to eight weeks ahead.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/calendar")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> PersonCalendar([Description(PathParameters.PersonId)] string personId, HttpContext http,
        IQuerySession session, TimeProvider clock)
    {
        if (await session.LoadAsync<PersonDetails>(Person.StreamId(personId), http.RequestAborted) is not { } person)
        {
            return Problems.From(http, DutyErrors.PersonNotFound(personId));
        }

        var data = await OnCallData.LoadAsync(session, null, null, http.RequestAborted);
        var now = clock.GetUtcNow();
        var shifts = data.Rosters.SelectMany(r => OnCallData.Duty(r).Shifts(now.AddDays(-7), now.AddDays(56))
            .Where(s => s.PersonId == personId).Select(s => (r, s)));
        return TypedResults.Text(Render($"On duty: {person.Name}", shifts, data, now), CalendarType);
    }

    private static string Render(string name, IEnumerable<(RosterDetails Roster, DutyShift Shift)> shifts, OnCallData data, DateTimeOffset now)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//incidents//on-call//EN" };
        calendar.AddProperty("X-WR-CALNAME", name);
        foreach (var (roster, shift) in shifts)
        {
            var why = shift.Reason switch
            {
                DutyReason.Override => "override",
                DutyReason.Swap => "swap",
                DutyReason.Holiday => $"holiday layer {shift.Layer}",
                _ => $"rotation {shift.Layer}",
            };
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"shift-{roster.Id}-{shift.From.ToUnixTimeSeconds()}-{shift.PersonId}@incidents",
                Summary = $"On duty ({roster.Name}): {data.NameOf(shift.PersonId) ?? shift.PersonId}",
                Description = $"Roster {roster.Name}{(roster.Role is { } role ? $" ({role})" : "")}; why: {why}.",
                DtStart = new CalDateTime(shift.From.UtcDateTime),
                DtEnd = new CalDateTime(shift.To.UtcDateTime),
                DtStamp = new CalDateTime(now.UtcDateTime),
            });
        }

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static (DateTimeOffset From, DateTimeOffset To) Range(string? from, string? to, DateTimeOffset now, TimeSpan length,
        Dictionary<string, string[]> errors)
    {
        var start = QueryValues.Time(from, "from", errors) ?? now;
        var end = QueryValues.Time(to, "to", errors) ?? start + length;
        if (errors.Count == 0 && end <= start)
        {
            errors["to"] = ["'to' must be after 'from': the window ends before it starts."];
        }
        else if (errors.Count == 0 && end - start > MaxRange)
        {
            errors["to"] = [$"At most {MaxRange.TotalDays:0} days after 'from'."];
        }

        return (start, end);
    }
}
