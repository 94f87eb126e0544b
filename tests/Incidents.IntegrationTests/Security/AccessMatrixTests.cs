using System.Net;
using System.Text;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// The role matrix of docs/security.md, executable: every endpoint the app maps, called by every role and by an anonymous
/// caller, answers 401, 403 or neither exactly as the matrix says. An endpoint without a row fails the test.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessMatrixTests(ApiFixture api)
{
    private const string Anonymous = "anonymous";
    private const string Hotline = "hotline";
    private const string Responder = "responder";
    private const string Drills = "drill-coordinator";
    private const string Supervisor = "supervisor";
    private const string Admin = "admin";
    private const string Purchaser = "purchaser";

    private const string DutyManager = "duty-manager";

    private static readonly string[] Everyone = [Anonymous, Hotline, Responder, Drills, Supervisor, Admin, Purchaser, DutyManager];
    private static readonly string[] OnCallReaders = [Hotline, Responder, Drills, Supervisor, Admin, Purchaser, DutyManager];
    private static readonly string[] RosterKeepers = [Admin, DutyManager];
    private static readonly string[] Readers = [Hotline, Responder, Drills, Supervisor, Admin, Purchaser];
    private static readonly string[] Workers = [Hotline, Responder];
    private static readonly string[] Desk = [Hotline];
    private static readonly string[] Auditors = [Supervisor, Admin, Purchaser];
    private static readonly string[] DrillReaders = [Drills, Supervisor, Admin, Purchaser];
    private static readonly string[] ReportReaders = [Hotline, Responder, Supervisor, Admin, Purchaser];
    private static readonly string[] OnlyPurchaser = [Purchaser];
    private static readonly string[] Coordinators = [Drills];

    /// <summary>Intake endpoints take an integration's key, not a person's token: every caller here (token or not) gets 401.</summary>
    private static readonly string[] IntegrationKeyOnly = [];

    /// <summary>Who gets past authorization on each endpoint (mirrors the table in docs/security.md).</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["GET /"] = Everyone,
        ["GET /health/live"] = Everyone,
        ["GET /health/ready"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["GET /docs/{documentName?}"] = Everyone,
        ["GET /docs/favicon.svg"] = Everyone,
        ["GET /docs/scalar.aspnetcore.js"] = Everyone,
        ["GET /docs/scalar.js"] = Everyone,
        // Anonymous only from loopback (the test server gives no address, so here: admin only); Telemetry/ApiMetricsTests.
        ["GET /metrics"] = [Admin],
        ["GET /api/v1/incidents"] = Readers,
        ["GET /api/v1/incidents/{id}"] = Readers,
        ["GET /api/v1/incidents/{id}/timeline"] = Readers,
        ["GET /api/v1/incidents/{id}/notifications"] = Readers,
        ["GET /api/v1/incidents/{id}/sla"] = Readers,
        ["GET /api/v1/sla/board"] = Readers,
        ["POST /api/v1/incidents"] = [Hotline, Drills],
        ["POST /api/v1/incidents/{id}/acknowledge"] = Workers,
        ["POST /api/v1/incidents/{id}/responders/{responderId}/dispatch"] = Workers,
        ["POST /api/v1/incidents/{id}/responders/{responderId}/arrival"] = Workers,
        ["POST /api/v1/incidents/{id}/restore"] = Workers,
        ["POST /api/v1/incidents/{id}/resolve"] = Workers,
        ["POST /api/v1/incidents/{id}/comments"] = Workers,
        ["POST /api/v1/incidents/{id}/responders"] = Desk,
        ["POST /api/v1/incidents/{id}/reclassify"] = Desk,
        ["POST /api/v1/incidents/{id}/close"] = Desk,
        ["POST /api/v1/incidents/{id}/reopen"] = Desk,
        ["POST /api/v1/incidents/{id}/cancel"] = Desk,
        ["GET /api/v1/incidents/{id}/integrity"] = Auditors,
        ["GET /api/v1/integrity"] = Auditors,
        ["POST /api/v1/integrity/anchors"] = [Admin],
        ["GET /api/v1/drills"] = DrillReaders,
        ["GET /api/v1/drills/{id}"] = DrillReaders,
        ["GET /api/v1/drills/{id}/scorecard"] = DrillReaders,
        ["GET /api/v1/drills/{id}/scorecard.md"] = DrillReaders,
        ["GET /api/v1/drills/calendar.ics"] = DrillReaders,
        ["GET /api/v1/drills/compliance"] = DrillReaders,
        ["POST /api/v1/drills"] = Coordinators,
        ["POST /api/v1/drills/{id}/reschedule"] = Coordinators,
        ["POST /api/v1/drills/{id}/start"] = Coordinators,
        ["POST /api/v1/drills/{id}/complete"] = Coordinators,
        ["POST /api/v1/drills/{id}/cancel"] = Coordinators,
        ["GET /api/v1/kpis"] = Auditors,
        ["GET /api/v1/kpis.csv"] = Auditors,
        ["GET /api/v1/reports/monthly/{month}"] = Auditors,
        ["GET /api/v1/reports/monthly/{month}.html"] = Auditors,
        ["GET /api/v1/reports/due-dates"] = Auditors,
        ["POST /api/v1/reports/monthly/{month}/issue"] = [Admin],
        ["GET /api/v1/assurance-periods"] = Readers,
        ["GET /api/v1/assurance-periods/{id}"] = Readers,
        ["GET /api/v1/assurance-periods/compliance"] = Readers,
        ["GET /api/v1/assurance-periods/{id}/resource-adjustments"] = Readers,
        ["GET /api/v1/resource-adjustments/{id}"] = Readers,
        ["POST /api/v1/assurance-periods"] = [Admin],
        ["POST /api/v1/assurance-periods/{id}/cancel"] = [Admin],
        ["POST /api/v1/assurance-periods/{id}/resource-adjustments"] = Workers,
        ["POST /api/v1/resource-adjustments/{id}/complete"] = Workers,
        ["POST /api/v1/reports/monthly/{month}/confirm"] = OnlyPurchaser,
        ["POST /api/v1/reports/monthly/{month}/return"] = OnlyPurchaser,
        ["POST /api/v1/drills/{id}/scorecard/confirm"] = OnlyPurchaser,
        ["POST /api/v1/drills/{id}/scorecard/return"] = OnlyPurchaser,
        ["GET /api/v1/reports"] = ReportReaders,
        ["GET /api/v1/reports/{id}"] = ReportReaders,
        ["GET /api/v1/reports/{id}.html"] = ReportReaders,
        ["GET /api/v1/reports/{id}.md"] = ReportReaders,
        ["POST /api/v1/incidents/{id}/security-event"] = Workers,
        ["POST /api/v1/reports/{id}/sections"] = Workers,
        ["POST /api/v1/reports/{id}/actions"] = Workers,
        ["POST /api/v1/reports/{id}/actions/{number}/done"] = Workers,
        ["POST /api/v1/reports/{id}/submit"] = Workers,
        ["POST /api/v1/reports/{id}/containment"] = Workers,
        ["POST /api/v1/reports/{id}/notices"] = Workers,
        ["POST /api/v1/reports/{id}/accept"] = OnlyPurchaser,
        ["POST /api/v1/reports/{id}/return"] = OnlyPurchaser,
        ["GET /api/v1/people"] = OnCallReaders,
        ["GET /api/v1/people/{personId}"] = OnCallReaders,
        ["GET /api/v1/people/{personId}/calendar.ics"] = OnCallReaders,
        ["POST /api/v1/people"] = [Admin],
        ["PUT /api/v1/people/{personId}"] = [Admin],
        ["POST /api/v1/people/{personId}/deactivation"] = [Admin],
        ["POST /api/v1/people/{personId}/reactivation"] = [Admin],
        ["GET /api/v1/rosters"] = OnCallReaders,
        ["GET /api/v1/rosters/{id}"] = OnCallReaders,
        ["GET /api/v1/rosters/{id}/shifts"] = OnCallReaders,
        ["GET /api/v1/rosters/{id}/calendar.ics"] = OnCallReaders,
        ["GET /api/v1/rosters/{id}/handoffs"] = OnCallReaders,
        ["GET /api/v1/on-call"] = OnCallReaders,
        ["POST /api/v1/rosters"] = RosterKeepers,
        ["POST /api/v1/rosters/{id}/schedule-changes"] = RosterKeepers,
        ["POST /api/v1/rosters/{id}/overrides"] = RosterKeepers,
        ["POST /api/v1/rosters/{id}/swaps"] = RosterKeepers,
        ["DELETE /api/v1/rosters/{id}/overrides/{overrideId}"] = RosterKeepers,
        ["GET /api/v1/maintenance-windows"] = [Hotline, Responder, Supervisor, Admin, Purchaser],
        ["GET /api/v1/maintenance-windows/{id}"] = [Hotline, Responder, Supervisor, Admin, Purchaser],
        ["POST /api/v1/maintenance-windows"] = [Admin],
        ["POST /api/v1/maintenance-windows/{id}/approve"] = [Purchaser],
        ["POST /api/v1/maintenance-windows/{id}/refuse"] = [Purchaser],
        ["POST /api/v1/incidents/{id}/force-majeure"] = Desk,
        ["POST /api/v1/incidents/{id}/force-majeure/approve"] = [Purchaser],
        ["POST /api/v1/incidents/{id}/force-majeure/refuse"] = [Purchaser],
        ["GET /api/v1/reports/acceptance/{contractYear}"] = [Supervisor, Admin, Purchaser],
        ["GET /api/v1/reports/acceptance/{contractYear}.html"] = [Supervisor, Admin, Purchaser],
        ["GET /api/v1/integrations"] = [Admin],
        ["GET /api/v1/integrations/{id}"] = [Admin],
        ["POST /api/v1/integrations"] = [Admin],
        ["POST /api/v1/integrations/{id}/mapping"] = [Admin],
        ["POST /api/v1/integrations/{id}/rotate-key"] = [Admin],
        ["POST /api/v1/integrations/{id}/revoke-key"] = [Admin],
        ["POST /api/v1/intake/alertmanager/{integration}"] = IntegrationKeyOnly,
        ["POST /api/v1/intake/events/{integration}"] = IntegrationKeyOnly,
        // The console (docs/console.md): its sign-in is open to all; its pages take the console's own session cookie, never a
        // bearer token, so every caller here (none has that cookie) is sent to the sign-in page (302, then 200). What a page
        // shows or does is the API's answer to the signed-in user's token (ConsoleTests drive it in Chromium).
        ["GET /console/sign-in"] = Everyone,
        ["POST /console/sign-in"] = Everyone,
        ["POST /console/sign-out"] = Everyone,
        ["GET /console/"] = Everyone,
        ["GET /console/board"] = Everyone,
        ["GET /console/events"] = Everyone,
        ["GET /console/report"] = Everyone,
        ["POST /console/report"] = Everyone,
        ["GET /console/incidents/{id}"] = Everyone,
        ["POST /console/incidents/{id}/{step}"] = Everyone,
        ["POST /console/incidents/{id}/responders/{responderId}/{step}"] = Everyone,
        ["GET /console/on-call"] = Everyone,
        ["GET /console/kpis"] = Everyone,
        ["GET /console/drills"] = Everyone,
    };

    [Fact]
    public async Task every_endpoint_answers_every_role_and_anonymous_as_the_matrix_says()
    {
        var mapped = MappedEndpoints();
        mapped.Except(Matrix.Keys).ShouldBeEmpty("endpoints without a row in the role matrix (add them here and to docs/security.md)");
        Matrix.Keys.Except(mapped).ShouldBeEmpty("matrix rows for endpoints the app no longer maps");

        // A drill (drill coordinators see drills), acknowledged, with the test responder assigned (responders work what is theirs).
        var desk = api.Client();
        var response = await desk.ReportAsync(Drill($"matrix-{Guid.NewGuid():N}"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await IncidentsClient.ReadJsonAsync(response))["id"]!.GetValue<Guid>();
        await desk.StepOkAsync(id, "acknowledge");
        await desk.StepOkAsync(id, "responders", new { responderId = "eng-07", name = "Zhao Lei", team = "Cloud platform" });

        var callers = new Dictionary<string, IncidentsClient>
        {
            [Anonymous] = api.Anonymous(),
            [Hotline] = api.Client("desk-02", "Chen Jie", Hotline),
            [Responder] = api.Client("eng-07", "Zhao Lei", Responder, team: "Cloud platform"),
            [Drills] = api.Client("drill-01", "Sun Yu", Drills),
            [Supervisor] = api.Client("sup-01", "Liu Yang", Supervisor),
            [Admin] = api.Client("admin-01", "Ma Lin", Admin),
            [Purchaser] = api.Client("buyer-01", "Wang Min", Purchaser),
            [DutyManager] = api.Client("duty-01", "Gao Min", DutyManager),
            [Purchaser] = api.Client("buyer-01", "Zhou Min", Purchaser),
        };

        var wrong = new List<string>();
        foreach (var (endpoint, allowed) in Matrix)
        {
            var (method, route) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
            var path = route.Replace("{id}", id.ToString()).Replace("{responderId}", "eng-07").Replace("{number}", "1")
                .Replace("{personId}", "eng-07")
                .Replace("{overrideId}", Guid.NewGuid().ToString())
                .Replace("{month}", "2001-01").Replace("{contractYear}", "1").Replace("{documentName}", "v1").Replace("{documentName?}", "")
                .Replace("{integration}", id.ToString());
            foreach (var (who, client) in callers)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var status = (await client.Http.SendAsync(request)).StatusCode;
                var expected = ReferenceEquals(allowed, IntegrationKeyOnly) ? "401"
                    : allowed.Contains(who) ? "allowed" : who == Anonymous ? "401" : "403";
                var actual = status switch
                {
                    HttpStatusCode.Unauthorized => "401",
                    HttpStatusCode.Forbidden => "403",
                    // A server error is never "allowed": the role passed the gate and the endpoint then failed.
                    >= HttpStatusCode.InternalServerError => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "allowed",
                };
                if (actual != expected)
                {
                    wrong.Add($"{endpoint} as {who}: expected {expected}, got {(int)status}");
                }
            }
        }

        wrong.ShouldBeEmpty();
    }

    /// <summary>
    /// The purchaser keeps the highest administrative right (contract 4.1 item 2): every endpoint that confirms, returns or
    /// approves names a policy that admits the purchaser and nobody else.
    /// </summary>
    [Fact]
    public void only_the_purchaser_confirms_returns_and_approves_grants()
    {
        Incidents.Api.Security.Policies.RolesOf[Incidents.Api.Security.Policies.ReviewDocuments].ShouldBe([Purchaser]);
        Incidents.Api.Security.Policies.RolesOf[Incidents.Api.Security.Policies.ApproveGrants].ShouldBe([Purchaser]);
        Incidents.Api.Security.Policies.RolesOf[Incidents.Api.Security.Policies.ApproveExclusions].ShouldBe([Purchaser]);
        var deciding = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.EndsWith("/confirm") || e.RoutePattern.RawText!.EndsWith("/accept")
                || e.RoutePattern.RawText!.EndsWith("/return") || e.RoutePattern.RawText!.EndsWith("/approve"))
            .ToList();
        deciding.Count.ShouldBeGreaterThanOrEqualTo(6);
        foreach (var endpoint in deciding)
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).ToList();
            policies.ShouldAllBe(p => p == Incidents.Api.Security.Policies.ReviewDocuments || p == Incidents.Api.Security.Policies.ApproveGrants
                    || p == Incidents.Api.Security.Policies.ApproveExclusions,
                endpoint.RoutePattern.RawText);
            Matrix[$"POST {endpoint.RoutePattern.RawText}"].ShouldBe(OnlyPurchaser);
        }
    }

    private List<string> MappedEndpoints() =>
        api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} {e.RoutePattern.RawText}"))
            .Distinct()
            .Order()
            .ToList();

    private static object Drill(string system) => new
    {
        title = "Drill: settlement database failover",
        description = "Scheduled drill",
        affectedSystem = system,
        @class = "outage",
        channel = "phone",
        reporter = new { name = "Wang Fang", phone = "+86 10 8888 0000", email = "wang.fang@example.org" },
        isDrill = true,
    };
}
