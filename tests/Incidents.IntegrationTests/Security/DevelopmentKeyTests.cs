using System.Net;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// The development signing key is in this repository, so tokens signed with it are accepted only from this machine
/// (issue #14): a request from another address is 401 unless the loud switch is on.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DevelopmentKeyTests
{
    private const string RemoteHeader = "X-Test-Remote-Address";

    /// <summary>The test server has no network; this stands in for the address a real connection would come from.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, following) =>
            {
                if (http.Request.Headers.TryGetValue(RemoteHeader, out var address))
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address!);
                }

                return following(http);
            });
            next(app);
        };
    }

    private static WebApplicationFactory<Program> Host(bool allowFromNetwork) =>
        TestHost.Create(TestServices.TestDatabase, new Dictionary<string, string>
        {
            ["Auth:AllowDevelopmentKeyFromNetwork"] = allowFromNetwork ? "true" : "false",
        }).WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>()));

    private static async Task<HttpStatusCode> ListFromAsync(WebApplicationFactory<Program> host, string address)
    {
        var client = IncidentsClient.For(host.CreateClient(), role: "supervisor", actorId: "sup-remote");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/incidents");
        request.Headers.Add(RemoteHeader, address);
        return (await client.Http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task a_development_token_from_another_machine_is_refused_unless_the_switch_allows_it()
    {
        await using (var strict = Host(allowFromNetwork: false))
        {
            (await ListFromAsync(strict, "127.0.0.1")).ShouldBe(HttpStatusCode.OK);
            (await ListFromAsync(strict, "::1")).ShouldBe(HttpStatusCode.OK);
            (await ListFromAsync(strict, "10.20.30.40")).ShouldBe(HttpStatusCode.Unauthorized, "the key is public; a token from the network proves nothing");
        }

        await using var open = Host(allowFromNetwork: true);
        (await ListFromAsync(open, "10.20.30.40")).ShouldBe(HttpStatusCode.OK, "the explicit switch (logged at every start) lets it through");
    }
}
