using Incidents.Telemetry;
using Incidents.Telemetry.Edges;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Incidents.Dispatch;

/// <summary>
/// Who may use the worker's HTTP edge (issue #14): the operator endpoints (<c>/dispatch/errors</c>, replay) need a bearer
/// token that the API would accept too (the same <c>Auth</c> settings and checks, <see cref="BearerTokens"/>) and role
/// <c>admin</c>; <c>/metrics</c> is served to a scraper on this machine without a token and to an admin from anywhere
/// else, as the API's; the liveness probe is anonymous. Refusals are RFC 9457 problems with the API's types.
/// </summary>
public static class OperatorAccess
{
    /// <summary>The policy of the operator endpoints: role <see cref="AdminRole"/>.</summary>
    public const string Policy = "dispatch.operate";

    /// <summary>The policy of <c>/metrics</c>: this machine, or an admin.</summary>
    public const string MetricsPolicy = "dispatch.metrics";

    /// <summary>The API's <c>admin</c> role (Incidents.Api.Security.Roles.Admin): the people who configure and operate the system.</summary>
    public const string AdminRole = "admin";

    public static WebApplicationBuilder AddOperatorAccess(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(AuthSettings.Section).Get<AuthSettings>() ?? new AuthSettings();
        settings.Validate(builder.Environment.EnvironmentName);
        builder.Services.AddSingleton(settings);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            BearerTokens.Configure(jwt, settings);
            jwt.Events = BearerTokens.Events(settings, (http, invalid) =>
                Refusal(StatusCodes.Status401Unauthorized, "auth.unauthenticated", "Authentication required",
                    invalid
                        ? "The bearer token is invalid or expired; get a new one (docs/security.md)."
                        : "Send an admin's bearer token: Authorization: Bearer <token> (docs/security.md).").ExecuteAsync(http));
            jwt.Events.OnForbidden = context => Refusal(StatusCodes.Status403Forbidden, "auth.forbidden", "Not allowed for your role",
                "The worker's operator endpoints are for role admin (docs/security.md).").ExecuteAsync(context.HttpContext);
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.RequireAuthenticatedUser().RequireRole(AdminRole))
            .AddPolicy(MetricsPolicy, policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http
                && (LocalCaller.Is(http) || (context.User.Identity?.IsAuthenticated == true && context.User.IsInRole(AdminRole)))));
        return builder;
    }

    public static WebApplication UseOperatorAccess(this WebApplication app)
    {
        BearerTokens.WarnAboutDevelopmentKey(app.Services.GetRequiredService<AuthSettings>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Incidents.Dispatch.Security"), app.Environment.EnvironmentName);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static IResult Refusal(int status, string code, string title, string detail) => Results.Problem(
        statusCode: status, type: $"urn:incidents:problem:{code}", title: title, detail: detail,
        extensions: new Dictionary<string, object?> { ["code"] = code });
}
