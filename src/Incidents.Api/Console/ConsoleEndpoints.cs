using System.Globalization;
using System.Text.Json;
using Incidents.Api.WebConsole.Pages;
using Incidents.Api.Security;
using Incidents.Telemetry.Edges;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Incidents.Api.WebConsole;

/// <summary>
/// The console's pages under <c>/console</c> (docs/console.md). Server-rendered Razor components, swapped in part by
/// htmx; every read and step goes to the API with the user's token (<see cref="ConsoleApi"/>). HTML for people, so left
/// out of the OpenAPI document on purpose; in the access matrix like every endpoint.
/// </summary>
public static class ConsoleEndpoints
{
    private static readonly string[] Steps = ["acknowledge", "restore", "resolve", "close", "reopen", "cancel", "comments", "responders"];
    private static readonly string[] ResponderSteps = ["dispatch", "arrival"];
    private static readonly string[] Active = ["reported", "acknowledged", "dispatched", "on-site", "restored"];

    public static void MapIncidentsConsole(this WebApplication app)
    {
        var signIn = app.MapGroup(ConsolePaths.Root).ExcludeFromDescription().AllowAnonymous();
        signIn.MapGet("/sign-in", GetSignIn);
        signIn.MapPost("/sign-in", PostSignIn);

        var console = app.MapGroup(ConsolePaths.Root).ExcludeFromDescription().RequireAuthorization(ConsoleAuthentication.Policy);
        console.MapGet("", GetBoard);
        console.MapGet("/board", GetBoardRows);
        console.MapGet("/events", GetEvents);
        console.MapGet("/report", GetReportForm);
        console.MapPost("/report", PostReport);
        console.MapGet("/incidents/{id}", GetIncident);
        console.MapPost("/incidents/{id}/{step}", PostStep);
        console.MapPost("/incidents/{id}/responders/{responderId}/{step}", PostResponderStep);
        console.MapGet("/on-call", GetOnCall);
        console.MapGet("/kpis", GetKpis);
        console.MapGet("/drills", GetDrills);
        console.MapPost("/sign-out", (Func<HttpContext, Task<IResult>>)PostSignOut);
    }

    private static RazorComponentResult Render<T>(object parameters, int status = StatusCodes.Status200OK) where T : IComponent =>
        new RazorComponentResult<T>(parameters) { StatusCode = status };

    // ---- sign-in ---------------------------------------------------------------------------------------------------

    private static IResult GetSignIn(HttpContext http, AuthSettings settings, ConsoleOidcSettings oidc, string? returnUrl)
    {
        var view = ConsoleView.For(http);
        if (oidc.Enabled)
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [ConsoleAuthentication.OidcScheme]);
        }

        var allowed = settings.UsesDevelopmentKey && settings.AcceptsDevelopmentTokenFrom(http.Connection.RemoteIpAddress);
        return Render<SignInPage>(new { V = view, DevelopmentSignIn = allowed, Configured = settings.UsesDevelopmentKey, ReturnUrl = LocalUrl(returnUrl) });
    }

    private static async Task<IResult> PostSignIn(HttpContext http, AuthSettings settings, TimeProvider clock)
    {
        if (!settings.UsesDevelopmentKey || !settings.AcceptsDevelopmentTokenFrom(http.Connection.RemoteIpAddress))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Development sign-in is not available here",
                detail: "The role picker works in Development and Testing, from this machine only (docs/console.md).");
        }

        if (!http.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A form is expected");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var role = form["role"].ToString();
        var id = form["userId"].ToString().Trim();
        var name = form["displayName"].ToString().Trim();
        var team = form["team"].ToString().Trim();
        if (!Roles.All.Contains(role) || id.Length is 0 or > 100 || name.Length is 0 or > 100 || team.Length > 100)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Pick a role and give a user id and name (at most 100 characters)");
        }

        var token = ConsoleAuthentication.DevelopmentToken(settings, id, name, [role], team, clock.GetUtcNow());
        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.StoreTokens([new AuthenticationToken { Name = ConsoleAuthentication.TokenName, Value = token }]);
        await http.SignInAsync(ConsoleAuthentication.Scheme,
            ConsoleAuthentication.Principal(id, name, [role], team, development: true), properties);
        return Results.Redirect(LocalUrl(form["returnUrl"].ToString()));
    }

    private static async Task<IResult> PostSignOut(HttpContext http)
    {
        await http.SignOutAsync(ConsoleAuthentication.Scheme);
        return Results.Redirect(ConsolePaths.SignIn);
    }

    private static string LocalUrl(string? url) =>
        url is { Length: > 0 } u && u.StartsWith(ConsolePaths.Root, StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal)
            ? u
            : ConsolePaths.Root;

    // ---- board -----------------------------------------------------------------------------------------------------

    private static async Task<IResult> GetBoard(HttpContext http, ConsoleApi api)
    {
        var filter = BoardFilter.From(http.Request.Query);
        var board = await LoadBoardAsync(http, api, filter);
        return Render<BoardPage>(new { V = ConsoleView.For(http), Filter = filter, Model = board });
    }

    private static async Task<IResult> GetBoardRows(HttpContext http, ConsoleApi api)
    {
        var board = await LoadBoardAsync(http, api, BoardFilter.From(http.Request.Query));
        return Render<BoardRows>(new { V = ConsoleView.For(http), Model = board });
    }

    private static async Task<BoardModel> LoadBoardAsync(HttpContext http, ConsoleApi api, BoardFilter filter)
    {
        var query = filter.Query();
        var clocks = await api.GetAsync(http, $"/api/v1/sla/board?limit=500{query}");
        var open = await api.GetAsync(http, $"/api/v1/incidents?status={string.Join(',', Active)}&pageSize=200{query}");
        if (!clocks.Ok || !open.Ok)
        {
            var failed = clocks.Ok ? open : clocks;
            return new BoardModel([], failed.Status, failed.Title ?? failed.Status.ToString(CultureInfo.InvariantCulture));
        }

        var stages = clocks.Json.Arr("entries").GroupBy(e => e.Str("incidentId")!).ToDictionary(g => g.Key, g => g.ToList());
        var rows = open.Json.Arr("items").Select(i =>
        {
            var id = i.Str("id")!;
            var own = stages.TryGetValue(id, out var s) ? s : [];
            return new BoardRow(Guid.Parse(id), i.Str("title")!, i.Str("class")!, i.Str("affectedSystem")!, i.Str("status")!,
                i.Bool("isDrill"), i.Time("reportedAt")!.Value,
                own.Select(e => new BoardStage(e.Str("stage")!, e.Str("status")!, e.Time("dueAt")!.Value, e.Bool("breached"), e.Bool("warning")))
                    .OrderBy(e => e.DueAt).ToList());
        });
        return new BoardModel(rows.OrderBy(r => r.Stages.Count == 0 ? 1 : 0).ThenBy(r => r.Stages.FirstOrDefault()?.DueAt ?? r.ReportedAt).ToList(),
            null, null);
    }

    private static IResult GetEvents(HttpContext http, ConsoleChangeFeed feed, IHostApplicationLifetime lifetime)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.RegisterForDispose(stop);
        return TypedResults.ServerSentEvents(feed.SubscribeAsync(TimeSpan.FromSeconds(15), stop.Token));
    }

    // ---- report ----------------------------------------------------------------------------------------------------

    private static IResult GetReportForm(HttpContext http) =>
        Render<ReportForm>(new { V = ConsoleView.For(http), Form = ReportFormModel.Empty() });

    private static async Task<IResult> PostReport(HttpContext http, ConsoleApi api)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var model = ReportFormModel.From(form);
        var answer = await api.SendAsync(http, HttpMethod.Post, "/api/v1/incidents", model.Body(),
            new Dictionary<string, string> { ["Idempotency-Key"] = model.IdempotencyKey });
        if (answer.Ok && answer.Json.Str("id") is { } id)
        {
            http.Response.Headers["HX-Redirect"] = ConsolePaths.Incident(Guid.Parse(id));
            return Results.Ok();
        }

        var failed = model with { Problem = answer };
        return Render<ReportFields>(new { V = ConsoleView.For(http), Form = failed }, answer.Status is >= 400 and < 500 ? answer.Status : 502);
    }

    // ---- incident --------------------------------------------------------------------------------------------------

    private static async Task<IResult> GetIncident(HttpContext http, ConsoleApi api, Guid id)
    {
        var model = await LoadIncidentAsync(http, api, id, null);
        return Render<IncidentPage>(new { V = ConsoleView.For(http), Model = model }, model.Failure?.Status ?? 200);
    }

    private static async Task<IncidentModel> LoadIncidentAsync(HttpContext http, ConsoleApi api, Guid id, string? flash)
    {
        var incident = await api.GetAsync(http, $"/api/v1/incidents/{id}");
        if (!incident.Ok)
        {
            return new IncidentModel(id, default, default, default, default, incident, null);
        }

        var sla = await api.GetAsync(http, $"/api/v1/incidents/{id}/sla");
        var timeline = await api.GetAsync(http, $"/api/v1/incidents/{id}/timeline?limit=500");
        var notifications = await api.GetAsync(http, $"/api/v1/incidents/{id}/notifications");
        return new IncidentModel(id, incident.Json, sla.Json, timeline.Json, notifications.Json, null, flash);
    }

    private static Task<IResult> PostStep(HttpContext http, ConsoleApi api, Guid id, string step) =>
        Steps.Contains(step) ? ActAsync(http, api, id, step, null) : Task.FromResult(Results.NotFound());

    private static Task<IResult> PostResponderStep(HttpContext http, ConsoleApi api, Guid id, string responderId, string step) =>
        ResponderSteps.Contains(step) && responderId.Length <= 100
            ? ActAsync(http, api, id, step, responderId)
            : Task.FromResult(Results.NotFound());

    private static async Task<IResult> ActAsync(HttpContext http, ConsoleApi api, Guid id, string step, string? responderId)
    {
        // Only htmx sends this header; a cross-site form cannot (defence in depth next to the SameSite=Strict cookie).
        if (!http.Request.Headers.ContainsKey("HX-Request") || !http.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The console's buttons send this request");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var body = StepBody(step, form);
        var path = responderId is null
            ? $"/api/v1/incidents/{id}/{step}"
            : $"/api/v1/incidents/{id}/responders/{Uri.EscapeDataString(responderId)}/{step}";
        var headers = new Dictionary<string, string>();
        if (long.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            headers["If-Match"] = $"\"{version}\"";
        }

        var answer = await api.SendAsync(http, HttpMethod.Post, path, body, headers);
        var view = ConsoleView.For(http);
        if (answer.Ok)
        {
            var model = await LoadIncidentAsync(http, api, id, view.T("已完成：", "Done: ") + StepName(view, step));
            return Render<IncidentBody>(new { V = view, Model = model });
        }

        http.Response.Headers["HX-Retarget"] = "#action-message";
        http.Response.Headers["HX-Reswap"] = "innerHTML";
        return Render<ActionMessage>(new { V = view, Answer = answer }, answer.Status is >= 400 and < 500 ? answer.Status : 502);
    }

    private static object StepBody(string step, IFormCollection form)
    {
        string? Text(string name) => form[name].ToString() is { Length: > 0 } s ? s : null;
        return step switch
        {
            "restore" => new { summary = Text("summary") },
            "resolve" => new { summary = Text("summary"), cause = Text("cause") },
            "close" => new { satisfaction = int.TryParse(form["satisfaction"], out var s) ? s : (int?)null, feedback = Text("feedback") },
            "reopen" => new { reason = Text("reason") },
            "cancel" => new { reason = Text("reason"), explanation = Text("explanation") },
            "comments" => new { text = Text("text") },
            "responders" => new { responderId = Text("responderId"), name = Text("name"), team = Text("team") },
            "dispatch" => new { note = Text("note") },
            _ => new { },
        };
    }

    public static string StepName(ConsoleView v, string step) => step switch
    {
        "acknowledge" => v.T("确认接报", "Acknowledge"),
        "restore" => v.T("服务已恢复", "Service restored"),
        "resolve" => v.T("问题已解决", "Resolve"),
        "close" => v.T("关闭事件", "Close"),
        "reopen" => v.T("重新打开", "Reopen"),
        "cancel" => v.T("撤销（误报）", "Cancel (false alarm)"),
        "comments" => v.T("添加备注", "Add comment"),
        "responders" => v.T("指派工程师", "Assign engineer"),
        "dispatch" => v.T("出发", "Dispatch"),
        "arrival" => v.T("已到场", "Arrived on site"),
        _ => step,
    };

    // ---- on duty, KPIs, drills -------------------------------------------------------------------------------------

    private static async Task<IResult> GetOnCall(HttpContext http, ConsoleApi api)
    {
        var answer = await api.GetAsync(http, "/api/v1/on-call");
        return Render<OnDutyPage>(new { V = ConsoleView.For(http), Answer = answer });
    }

    private static async Task<IResult> GetKpis(HttpContext http, ConsoleApi api, TimeProvider clock, string? period)
    {
        var month = period is { Length: 7 } p && DateOnly.TryParseExact(p + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? p
            : TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var answer = await api.GetAsync(http, $"/api/v1/kpis?period={month}&by=day");
        return Render<KpiDashboard>(new { V = ConsoleView.For(http), Month = month, Answer = answer });
    }

    private static async Task<IResult> GetDrills(HttpContext http, ConsoleApi api)
    {
        var answer = await api.GetAsync(http, "/api/v1/drills?when=upcoming&pageSize=100");
        return Render<DrillCalendar>(new { V = ConsoleView.For(http), Answer = answer });
    }
}

/// <summary>The board's filters, as the form sends them and as the API's list and board take them.</summary>
public sealed record BoardFilter(string? Class, string? System, string Drills)
{
    public static BoardFilter From(IQueryCollection query)
    {
        var @class = query["class"].ToString() is { Length: > 0 and <= 40 } c ? c : null;
        var system = query["system"].ToString().Trim() is { Length: > 0 and <= 100 } s ? s : null;
        var drills = query["drills"].ToString() is "exclude" or "only" ? query["drills"].ToString() : "include";
        return new BoardFilter(@class, system, drills);
    }

    public string Query() =>
        (Class is null ? "" : $"&class={Uri.EscapeDataString(Class)}") + (System is null ? "" : $"&system={Uri.EscapeDataString(System)}") +
        $"&drills={Drills}";
}

public sealed record BoardStage(string Stage, string Status, DateTimeOffset DueAt, bool Breached, bool Warning);

public sealed record BoardRow(Guid Id, string Title, string Class, string System, string Status, bool IsDrill, DateTimeOffset ReportedAt,
    IReadOnlyList<BoardStage> Stages);

public sealed record BoardModel(IReadOnlyList<BoardRow> Rows, int? FailedStatus, string? Failure);

public sealed record IncidentModel(Guid Id, JsonElement Incident, JsonElement Sla, JsonElement Timeline, JsonElement Notifications,
    ApiAnswer? Failure, string? Flash);

/// <summary>The report form's values, its idempotency key (one per rendering of the form) and the API's answer when refused.</summary>
public sealed record ReportFormModel(string IdempotencyKey, IReadOnlyDictionary<string, string> Values, ApiAnswer? Problem)
{
    public static readonly string[] Fields = ["title", "description", "affectedSystem", "class", "channel", "reporter.name", "reporter.phone",
        "reporter.email", "isDrill"];

    public static ReportFormModel Empty() =>
        new($"console-{Guid.NewGuid():N}", new Dictionary<string, string> { ["class"] = "outage", ["channel"] = "phone" }, null);

    public static ReportFormModel From(IFormCollection form) =>
        new(form["idempotencyKey"].ToString() is { Length: > 0 and <= 200 } key ? key : $"console-{Guid.NewGuid():N}",
            Fields.ToDictionary(f => f, f => form[f].ToString()), null);

    public string Value(string field) => Values.TryGetValue(field, out var v) ? v : "";

    public IReadOnlyList<string> ErrorsOf(string field) =>
        Problem?.Errors.Where(e => e.Key == field.ToLowerInvariant() || e.Key.StartsWith(field.ToLowerInvariant() + "[", StringComparison.Ordinal))
            .SelectMany(e => e.Value).ToList() ?? [];

    public object Body()
    {
        string? V(string f) => Value(f) is { Length: > 0 } s ? s : null;
        return new
        {
            title = V("title"),
            description = V("description"),
            affectedSystem = V("affectedSystem"),
            @class = V("class"),
            channel = V("channel"),
            reporter = new { name = V("reporter.name"), phone = V("reporter.phone"), email = V("reporter.email") },
            isDrill = Value("isDrill") is "on" or "true",
        };
    }
}
