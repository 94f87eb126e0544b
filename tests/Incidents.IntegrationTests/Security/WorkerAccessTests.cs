using System.Net;
using Incidents.IntegrationTests.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// The notification worker's HTTP edge (issue #14): its operator endpoints take the API's bearer tokens and admit admins
/// only; the matrix covers every endpoint the worker maps, and a server error is never taken for "allowed".
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WorkerAccessTests(DispatchFixture dispatch) : IClassFixture<DispatchFixture>
{
    private const string Anonymous = "anonymous";
    private static readonly string[] Roles = ["hotline", "responder", "drill-coordinator", "supervisor", "admin", "purchaser", "duty-manager"];
    private static readonly string[] Everyone = [Anonymous, .. Roles];

    /// <summary>Who gets past authorization on each worker endpoint (the worker's rows of the table in docs/security.md).</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["GET /health/live"] = Everyone,
        // From this machine without a token (the test calls from loopback); from elsewhere only an admin.
        ["GET /metrics"] = Everyone,
        ["GET /dispatch/errors"] = ["admin"],
        ["POST /dispatch/errors/replay"] = ["admin"],
    };

    private HttpClient Caller(string who)
    {
        var client = new HttpClient { BaseAddress = dispatch.Operator.BaseAddress };
        if (who != Anonymous)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(who, $"{who}-worker", who));
        }

        return client;
    }

    [Fact]
    public async Task the_operator_endpoints_refuse_anonymous_callers_with_401_other_roles_with_403_and_serve_an_admin()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/dispatch/errors"), (HttpMethod.Post, "/dispatch/errors/replay") })
        {
            using var anonymous = Caller(Anonymous);
            var refused = await anonymous.SendAsync(new HttpRequestMessage(method, path));
            await IncidentsClient.ShouldBeProblemAsync(refused, HttpStatusCode.Unauthorized, "auth.unauthenticated");
            refused.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");

            using var supervisor = Caller("supervisor");
            await IncidentsClient.ShouldBeProblemAsync(await supervisor.SendAsync(new HttpRequestMessage(method, path)),
                HttpStatusCode.Forbidden, "auth.forbidden");

            using var admin = Caller("admin");
            (await admin.SendAsync(new HttpRequestMessage(method, path))).StatusCode.ShouldBe(HttpStatusCode.OK, $"{method} {path} as admin");
        }

        // A token signed with another key (or for another audience) is no token: 401, as at the API.
        using var forged = new HttpClient { BaseAddress = dispatch.Operator.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            TestTokens.For("admin", "admin-forged", "Forger", key: "a-key-nobody-configured-0123456789-abcdef"));
        (await forged.GetAsync("/dispatch/errors")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task every_worker_endpoint_answers_every_role_and_anonymous_as_the_matrix_says()
    {
        var mapped = dispatch.WorkerServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Distinct()
            .ToList();
        mapped.Except(Matrix.Keys).ShouldBeEmpty("worker endpoints without a row in the matrix (add them here and to docs/security.md)");
        Matrix.Keys.Except(mapped).ShouldBeEmpty("matrix rows for endpoints the worker no longer maps");

        var wrong = new List<string>();
        foreach (var (endpoint, allowed) in Matrix)
        {
            var (method, path) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
            foreach (var who in Everyone)
            {
                using var client = Caller(who);
                var status = (await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode;
                var expected = allowed.Contains(who) ? "allowed" : who == Anonymous ? "401" : "403";
                var actual = status switch
                {
                    HttpStatusCode.Unauthorized => "401",
                    HttpStatusCode.Forbidden => "403",
                    // A server error is never "allowed": the caller passed the gate and the endpoint then failed.
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
}
