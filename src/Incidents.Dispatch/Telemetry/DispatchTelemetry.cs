using Incidents.Telemetry;
using MassTransit;
using MassTransit.Logging;
using MassTransit.Monitoring;

namespace Incidents.Dispatch.Telemetry;

/// <summary>
/// OpenTelemetry for the notification worker (docs/operations.md): the common host telemetry plus MassTransit's traces
/// and metrics, the worker's own meter, and <c>/metrics</c> for scrapers on this machine only — the worker has no
/// authentication yet, so loopback is the whole access rule (bind it to loopback, as for its operator endpoints).
/// </summary>
public static class DispatchTelemetry
{
    public const string ServiceName = "incidents-dispatch";

    public static WebApplicationBuilder AddDispatchTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddHostTelemetry(ServiceName, typeof(DispatchTelemetry).Assembly,
            sources: [DiagnosticHeaders.DefaultListenerName], meters: [DispatchMetrics.MeterName, InstrumentationOptions.MeterName]);

        builder.Services.AddSingleton<QueueDepthSampler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthSampler>());
        builder.Services.AddSingleton<DispatchMetrics>();
        builder.Services.AddPublishObserver<ReceiptObserver>();
        builder.Services.AddReceiveObserver<DrainObserver>();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c>; a caller that is not on this machine gets 403.</summary>
    public static WebApplication MapDispatchMetrics(this WebApplication app)
    {
        app.MapScrapeEndpoint(scrape => scrape.Use(next => http => LocalCaller.Is(http) ? next(http) : RefuseAsync(http)));
        return app;
    }

    private static Task RefuseAsync(HttpContext http) => Results.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Metrics are served to this machine only",
        detail: "Scrape the worker from the same host (127.0.0.1); it has no authentication (docs/operations.md).").ExecuteAsync(http);
}
