using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Drills;
using Incidents.Projections.Drills;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Drills.Calendar;

public static class DrillCalendarEndpoint
{
    public const string ContentType = "text/calendar; charset=utf-8";

    [WolverineGet("/api/v1/drills/calendar.ics", OperationId = "getDrillCalendar")]
    [EndpointSummary("Drill calendar (iCalendar)")]
    [EndpointDescription("An iCalendar (RFC 5545) feed of scheduled and running drills, for calendar applications.")]
    [Authorize(Policy = Policies.ReadDrills)]
    [Tags(ApiTags.Drills)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/calendar")]
    public static async Task<IResult> Get(HttpContext http, IQuerySession session)
    {
        var drills = await session.Query<DrillDetails>()
            .Where(d => d.Status == DrillStatus.Scheduled || d.Status == DrillStatus.Started)
            .OrderBy(d => d.PlannedStart)
            .Take(1000)
            .ToListAsync(http.RequestAborted);
        return TypedResults.Text(Render(drills), ContentType);
    }

    public static string Render(IEnumerable<DrillDetails> drills)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//incidents//drills//EN" };
        calendar.AddProperty("X-WR-CALNAME", "Drills");
        foreach (var d in drills)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"drill-{d.Id}@incidents",
                Summary = $"Drill: {d.Title}",
                Description = $"{QueryValues.Name(d.Kind)} on {d.AffectedSystem} ({QueryValues.Name(d.Class)}).\n"
                    + $"Objectives: {string.Join("; ", d.Objectives)}\nParticipants: {string.Join(", ", d.Participants)}\n"
                    + $"Observers: {string.Join(", ", d.Observers)}",
                Location = d.AffectedSystem,
                DtStart = new CalDateTime(d.PlannedStart.UtcDateTime),
                DtEnd = new CalDateTime(d.PlannedEnd.UtcDateTime),
                DtStamp = new CalDateTime(d.LastChangedAt.UtcDateTime),
                Sequence = d.RescheduleCount,
                Status = d.Status == DrillStatus.Scheduled ? EventStatus.Tentative : EventStatus.Confirmed,
            });
        }

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
