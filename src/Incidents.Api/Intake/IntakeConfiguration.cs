namespace Incidents.Api.Intake;

public static class IntakeConfiguration
{
    /// <summary>The intake's services: key authentication (with its failure limit) and the per-integration writer.</summary>
    public static IServiceCollection AddIncidentsIntake(this IServiceCollection services) => services
        .AddSingleton<IntegrationAuthentication>()
        .AddSingleton<AlertIntake>();
}
