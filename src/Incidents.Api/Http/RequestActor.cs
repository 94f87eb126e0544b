using Incidents.Domain;

namespace Incidents.Api.Http;

/// <summary>
/// Who is acting. Until token authentication lands (issue #5), the caller names themselves with the
/// <c>X-Actor-Id</c> (required) and <c>X-Actor-Name</c> (optional) headers; every event records them.
/// </summary>
public static class RequestActor
{
    public const string IdHeader = "X-Actor-Id";

    public const string NameHeader = "X-Actor-Name";

    private const int MaxLength = 100;

    public static Actor? From(HttpContext http)
    {
        var id = http.Request.Headers[IdHeader].ToString().Trim();
        if (id.Length is 0 or > MaxLength)
        {
            return null;
        }

        var name = http.Request.Headers[NameHeader].ToString().Trim();
        return new Actor(id, name.Length is > 0 and <= MaxLength ? name : id);
    }

    public static IResult Missing(HttpContext http) => Problems.Result(Problems.Create(http,
        StatusCodes.Status400BadRequest, "actor.missing", "Who is acting?",
        $"Send the {IdHeader} header (at most {MaxLength} characters) and optionally {NameHeader}; every change is recorded with its author."));
}
