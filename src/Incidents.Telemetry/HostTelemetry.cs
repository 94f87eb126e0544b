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
/// (Npgsql) as traces and metrics, a Prometheus scrape endpoint, and an OTLP exporter that configuration switches on
/// (<see cref="OtlpSwitch"/>). Each host adds its own sources and meters to the builder this returns.
/// </summary>
public static class HostTelemetry
{
    public const string ScrapePath = "/metrics";

    /// <summary>Npgsql's ActivitySource and Meter (both are named so since Npgsql 8).</summary>
    public const string Npgsql = "Npgsql";

    public static IOpenTelemetryBuilder AddHostTelemetry(this IHostApplicationBuilder builder, string serviceName, Assembly host)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceVersion: host.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !IsProbeOrScrape(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(Npgsql))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Npgsql)
                .AddPrometheusExporter());
        OtlpSwitch.Apply(telemetry, builder.Configuration);
        return telemetry;
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
