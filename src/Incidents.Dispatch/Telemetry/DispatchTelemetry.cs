using Incidents.Telemetry;
using MassTransit;
using MassTransit.Logging;
using MassTransit.Monitoring;

namespace Incidents.Dispatch.Telemetry;

/// <summary>
/// OpenTelemetry for the notification worker (docs/operations.md): the common host telemetry plus MassTransit's traces
/// and metrics, the worker's own meter, and <c>/metrics</c> for scrapers on this machine and admins elsewhere.
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

    /// <summary>
    /// Maps <c>GET /metrics</c>: served to a scraper on this machine without a token, to anyone else as an admin
    /// (<see cref="OperatorAccess.MetricsPolicy"/>; 401 without a token, 403 for other roles), as the API's.
    /// </summary>
    public static WebApplication MapDispatchMetrics(this WebApplication app)
    {
        app.MapScrapeEndpoint().RequireAuthorization(OperatorAccess.MetricsPolicy);
        return app;
    }
}
