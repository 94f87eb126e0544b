using System.ComponentModel;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Duty;
using Incidents.Domain.Duty.People;
using Incidents.Projections.Duty;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Duty.People;

public sealed record PersonPage(IReadOnlyList<PersonResource> Items, int Page, int PageSize, long Total);

public sealed class ListPeopleQuery
{
    [FromQuery(Name = "team")]
    [Description("Team, exact match.")]
    public string? Team { get; set; }

    [FromQuery(Name = "role")]
    [Description("Contract role the person holds, e.g. duty-engineer.")]
    public string? Role { get; set; }

    [FromQuery(Name = "active")]
    [Description("true (default): active people only; false: deactivated only; all: both.")]
    public string? Active { get; set; }

    [FromQuery(Name = "page")]
    [Description("Page number from 1 (default 1).")]
    public string? Page { get; set; }

    [FromQuery(Name = "pageSize")]
    [Description("Items per page, 1 to 200 (default 50).")]
    public string? PageSize { get; set; }
}

public static class GetPeopleEndpoints
{
    [WolverineGet("/api/v1/people", OperationId = "listPeople")]
    [EndpointSummary("List people")]
    [EndpointDescription("The directory by id, filtered by team, role and active; contacts masked unless the caller is the hotline, the admin or the person.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<PersonPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> List([AsParameters] ListPeopleQuery query, HttpContext http, IQuerySession session)
    {
        var errors = new Dictionary<string, string[]>();
        var team = QueryValues.Text(query.Team, "team", FieldLimits.Id, errors);
        var role = QueryValues.Text(query.Role, "role", 50, errors);
        var page = QueryValues.Int(query.Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(query.PageSize, "pageSize", 50, 1, 200, errors);
        bool? active = query.Active switch
        {
            null or "" or "true" => true,
            "false" => false,
            "all" => null,
            _ => Fail(errors, "active", "Use true, false or all."),
        };
        if (errors.Count > 0)
        {
            return Problems.Validation(http, errors);
        }

        IQueryable<PersonDetails> people = session.Query<PersonDetails>();
        if (active is { } a)
        {
            people = people.Where(p => p.Active == a);
        }

        if (team is not null)
        {
            people = people.Where(p => p.Team == team);
        }

        if (role is not null)
        {
            people = people.Where(p => p.Roles.Contains(role));
        }

        people = people.OrderBy(p => p.PersonId);
        var total = await people.CountAsync(http.RequestAborted);
        var items = await people.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new PersonPage(items.Select(p => PersonResource.From(p, http)).ToList(), page, pageSize, total));
    }

    [WolverineGet("/api/v1/people/{personId}", OperationId = "getPerson")]
    [EndpointSummary("Get one person")]
    [EndpointDescription("The person's entry with its version as the ETag; deactivated people stay readable.")]
    [Authorize(Policy = Policies.ReadOnCall)]
    [Tags(ApiTags.OnCall)]
    [ProducesResponseType<PersonResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, Problems.ContentType)]
    public static async Task<IResult> Get([Description(PathParameters.PersonId)] string personId, HttpContext http, IQuerySession session)
    {
        if (await session.LoadAsync<PersonDetails>(Person.StreamId(personId), http.RequestAborted) is not { } person)
        {
            return Problems.From(http, DutyErrors.PersonNotFound(personId));
        }

        http.Response.Headers.ETag = ETags.For(person.Version);
        return TypedResults.Ok(PersonResource.From(person, http));
    }

    private static bool? Fail(Dictionary<string, string[]> errors, string name, string message)
    {
        errors[name] = [message];
        return null;
    }
}
