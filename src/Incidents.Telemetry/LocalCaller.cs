using System.Net;
using Microsoft.AspNetCore.Http;

namespace Incidents.Telemetry;

/// <summary>
/// Whether a request comes straight from this machine: the rule that lets a local Prometheus scrape without a token.
/// </summary>
public static class LocalCaller
{
    /// <summary>
    /// Headers a reverse proxy adds. A proxy on the same machine connects from loopback on behalf of remote callers, so
    /// a loopback request that carries one of them is treated as remote.
    /// </summary>
    private static readonly string[] ProxyHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"];

    /// <summary>True for a direct connection from 127.0.0.0/8 or ::1 (also as an IPv4-mapped IPv6 address).</summary>
    public static bool Is(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            // No address (an in-process test server, a Unix socket): nothing proves the caller is local.
            return false;
        }

        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return IPAddress.IsLoopback(ip) && !ProxyHeaders.Any(http.Request.Headers.ContainsKey);
    }
}
