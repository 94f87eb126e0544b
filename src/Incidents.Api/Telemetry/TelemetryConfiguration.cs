using Incidents.Telemetry;
using JasperFx.OpenTelemetry;
using Marten;

namespace Incidents.Api.Telemetry;

/// <summary>
/// OpenTelemetry for the API (docs/operations.md): the common host telemetry plus Wolverine's and Marten's traces and
/// metrics, the domain metrics counted from committed events, and <c>/metrics</c> for local scrapers and admins.
/// </summary>
public static class TelemetryConfiguration
{
    public const string ServiceName = "incidents-api";

    /// <summary>Wolverine's ActivitySource.</summary>
    private const string WolverineSource = "Wolverine";

    /// <summary>Wolverine names its Meter <c>Wolverine:{ServiceName}</c>, hence the wildcard.</summary>
    private const string WolverineMeters = "Wolverine*";

    /// <summary>Marten's ActivitySource and Meter.</summary>
    private const string Marten = "Marten";

    public static WebApplicationBuilder AddIncidentsTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddHostTelemetry(ServiceName, typeof(TelemetryConfiguration).Assembly,
            sources: [WolverineSource, Marten], meters: [IncidentsMetrics.MeterName, WolverineMeters, Marten]);

        builder.Services.AddSingleton<DomainMetricsListener>();
        builder.Services.ConfigureMarten((services, marten) =>
        {
            marten.Listeners.Add(services.GetRequiredService<DomainMetricsListener>());
            // A span per session's use of a connection, and marten.event.append counted by event type.
            marten.OpenTelemetry.TrackConnections = TrackLevel.Normal;
            marten.OpenTelemetry.TrackEventCounters();
        });

        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsAccess.Policy, policy =>
            policy.RequireAssertion(context => context.Resource is HttpContext http && MetricsAccess.Allows(context.User, http)));
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> behind <see cref="MetricsAccess.Policy"/>.</summary>
    public static WebApplication MapIncidentsMetrics(this WebApplication app)
    {
        app.MapScrapeEndpoint().RequireAuthorization(MetricsAccess.Policy);
        return app;
    }
}
