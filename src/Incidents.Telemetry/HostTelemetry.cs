using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Incidents.Telemetry;

/// <summary>
/// What every host of this system measures the same way: its HTTP server and clients, the .NET runtime and PostgreSQL
/// (Npgsql), plus the sources and meters the host names; metrics for the Prometheus scrape endpoint, and traces, metrics
/// and logs over OTLP when configuration switches it on (<see cref="OtlpSwitch"/>).
/// </summary>
public static class HostTelemetry
{
    public const string ScrapePath = "/metrics";

    /// <summary>Npgsql's ActivitySource and Meter (both are named so since Npgsql 8).</summary>
    public const string Npgsql = "Npgsql";

    public static IHostApplicationBuilder AddHostTelemetry(this IHostApplicationBuilder builder, string serviceName, Assembly host,
        string[] sources, string[] meters)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceVersion: host.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([Npgsql, .. meters])
                .AddPrometheusExporter());

        // Spans are recorded only when a collector receives them: without one they would cost every request and go nowhere.
        if (OtlpSwitch.Read(builder.Configuration) is { } otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !IsProbeOrScrape(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource([Npgsql, .. sources]));
            telemetry.UseOtlpExporter(otlp.Protocol, otlp.Endpoint);
        }

        return builder;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text format). The caller decides who may read it: the API with an
    /// authorization policy, the worker with <paramref name="guard"/> in the scrape branch.
    /// </summary>
    public static IEndpointConventionBuilder MapScrapeEndpoint(this IEndpointRouteBuilder endpoints, Action<IApplicationBuilder>? guard = null) =>
        endpoints.MapPrometheusScrapingEndpoint(ScrapePath, meterProvider: null, configureBranchedPipeline: guard, optionsName: null);

    // A span per liveness probe or scrape, every few seconds, would bury the requests worth tracing.
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(ScrapePath) || path.StartsWithSegments("/health");
}
