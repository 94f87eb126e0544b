using System.Text.Json;
using System.Text.Json.Serialization;
using HealthChecks.UI.Client;
using Incidents.Api.Configuration;
using Incidents.Api.WebConsole;
using Incidents.Api.Drills;
using Incidents.Api.Http;
using Incidents.Api.Intake;
using Incidents.Api.Kpis;
using Incidents.Api.Security;
using Incidents.Api.Sla;
using Incidents.Api.Telemetry;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;

var builder = WebApplication.CreateBuilder(args);

if (!builder.Environment.IsDevelopment())
{
    builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 256 * 1024);
builder.AddIncidentsSecurity();
Incidents.Api.Security.Integrity.ChainAnchors.AddChainAnchors(builder);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<SlaPolicyOptions>().BindConfiguration(SlaPolicyOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<SlaPolicyOptions>, SlaPolicyOptionsValidator>();
builder.Services.AddSingleton<SlaPolicyProvider>();
builder.Services.AddOptions<Incidents.Api.Escalation.EscalationPolicyOptions>()
    .BindConfiguration(Incidents.Api.Escalation.EscalationPolicyOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<Incidents.Api.Escalation.EscalationPolicyOptions>, Incidents.Api.Escalation.EscalationPolicyOptionsValidator>();
builder.Services.AddSingleton<Incidents.Api.Escalation.EscalationPolicyProvider>();
builder.Services.AddSingleton<Incidents.Api.Incidents.IncidentStep>();
builder.Services.AddSingleton<Incidents.Api.Drills.DrillStep>();
Incidents.Api.Reports.ReportsConfiguration.AddIncidentReports(builder);
builder.Services.AddIncidentsIntake();
builder.Services.AddOptions<DrillOptions>().BindConfiguration(DrillOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<DrillOptions>, DrillOptionsValidator>();
builder.Services.AddOptions<KpiOptions>().BindConfiguration(KpiOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<KpiOptions>, KpiOptionsValidator>();
Incidents.Api.Assurance.KeyAssuranceRegistration.AddKeyAssurance(builder.Services);
Incidents.Api.Maintenance.ContractRegistration.AddContractOptions(builder.Services);

// In Production the API runs no DDL: the schema is applied by the owner role beforehand (db-apply; docs/security.md).
var applySchema = PersistenceConfiguration.AppliesSchemaOnStartup(builder.Configuration, builder.Environment);
builder.Services.AddIncidentsPersistence(builder.Configuration, applySchema);
builder.Host.UseWolverine(options =>
{
    options.ConfigureIncidentsMessaging(builder.Configuration, builder.Environment);
    if (!applySchema)
    {
        options.AutoBuildMessageStorageOnStartup = AutoCreate.None;
    }
});
builder.Services.AddWolverineHttp();

builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
    json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    json.SerializerOptions.Converters.Add(new IsoDurationJsonConverter());
});

builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = StandardProblems.Customize);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi(OpenApiDocumentation.Configure);

builder.Services.AddSingleton<BrokerConnection>();
builder.Services.AddHealthChecks()
    .AddNpgSql(ConnectionStrings.Require(builder.Configuration, ConnectionStrings.Marten), name: "postgresql", tags: ["ready"])
    .AddRabbitMQ(sp => sp.GetRequiredService<BrokerConnection>().GetAsync(), name: "rabbitmq", tags: ["ready"]);
builder.AddIncidentsTelemetry();
// The hotline console under /console (docs/console.md): pages, its cookie sign-in and the live feed.
builder.AddIncidentsConsole();

var app = builder.Build();

app.UseMiddleware<CorrelationId>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseIncidentsConsoleAssets();
app.UseIncidentsSecurity();

// Anonymous on purpose: the API reference, its document and the probes reveal no incident data.
app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Incidents API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
    .AllowAnonymous();
app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = UIResponseWriter.WriteHealthCheckUIResponse })
    .AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions
{
    Predicate = check => check.Tags.Contains("ready"),
    ResponseWriter = UIResponseWriter.WriteHealthCheckUIResponse,
}).AllowAnonymous();
app.MapIncidentsMetrics();

app.MapWolverineEndpoints(http => http.ConfigureIncidentEndpoints());
app.MapIncidentsConsole();

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
