using System.Net;
using System.Security.Claims;
using Incidents.Api.Telemetry;
using Incidents.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Incidents.IntegrationTests.Telemetry;

/// <summary>The access rule of <c>/metrics</c> as a function: local scrapers pass without a token, remote callers need admin.</summary>
public sealed class MetricsAccessTests
{
    private static HttpContext From(string? address, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }

        return http;
    }

    private static ClaimsPrincipal Signed(string role) =>
        new(new ClaimsIdentity([new Claim("sub", "u-1"), new Claim("role", role)], "Bearer", "name", "role"));

    private static readonly ClaimsPrincipal Nobody = new(new ClaimsIdentity());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void a_caller_on_this_machine_is_local(string address) => LocalCaller.Is(From(address)).ShouldBeTrue();

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.5")]
    [InlineData("::ffff:192.0.2.1")]
    [InlineData("2001:db8::1")]
    [InlineData(null)]
    public void a_caller_elsewhere_or_without_an_address_is_not_local(string? address) => LocalCaller.Is(From(address)).ShouldBeFalse();

    [Theory]
    [InlineData("X-Forwarded-For")]
    [InlineData("Forwarded")]
    [InlineData("X-Real-IP")]
    public void a_loopback_request_relayed_by_a_proxy_is_not_local(string header) =>
        LocalCaller.Is(From("127.0.0.1", (header, "203.0.113.7"))).ShouldBeFalse();

    [Fact]
    public void a_local_scraper_needs_no_token() => MetricsAccess.Allows(Nobody, From("127.0.0.1")).ShouldBeTrue();

    [Fact]
    public void a_remote_caller_needs_a_token() => MetricsAccess.Allows(Nobody, From("203.0.113.7")).ShouldBeFalse();

    [Fact]
    public void a_remote_admin_may_scrape() => MetricsAccess.Allows(Signed("admin"), From("203.0.113.7")).ShouldBeTrue();

    [Theory]
    [InlineData("hotline")]
    [InlineData("supervisor")]
    [InlineData("responder")]
    public void a_remote_caller_of_another_role_may_not(string role) =>
        MetricsAccess.Allows(Signed(role), From("203.0.113.7")).ShouldBeFalse();
}
