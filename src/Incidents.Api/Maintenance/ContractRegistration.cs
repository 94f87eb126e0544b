using Incidents.Api.Kpis.Contract;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Maintenance;

public static class ContractRegistration
{
    /// <summary>The contract's options (maintenance lead time, contract year), each validated at start-up.</summary>
    public static IServiceCollection AddContractOptions(this IServiceCollection services)
    {
        services.AddOptions<MaintenanceOptions>().BindConfiguration(MaintenanceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MaintenanceOptions>, MaintenanceOptionsValidator>();
        services.AddOptions<ContractOptions>().BindConfiguration(ContractOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContractOptions>, ContractOptionsValidator>();
        return services;
    }
}
