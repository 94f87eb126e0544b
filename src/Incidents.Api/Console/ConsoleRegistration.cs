using Marten;
using Microsoft.Extensions.FileProviders;

namespace Incidents.Api.WebConsole;

/// <summary>Wires the console into the API process (docs/console.md): three small calls from Program.cs.</summary>
public static class ConsoleRegistration
{
    public static void AddIncidentsConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddHttpClient(ConsoleApi.ClientName);
        builder.Services.AddSingleton<ConsoleApi>();
        builder.Services.AddSingleton<ConsoleChangeFeed>();
        builder.Services.ConfigureMarten((services, marten) =>
            marten.Listeners.Add(new ConsoleChangeListener(services.GetRequiredService<ConsoleChangeFeed>())));
        builder.AddConsoleAuthentication();
    }

    /// <summary>
    /// The vendored script and style, served from the assembly under <c>/console/assets</c> before authentication (they
    /// hold no data). Static-file middleware, not endpoints: they are not part of the API or its access matrix.
    /// </summary>
    public static void UseIncidentsConsoleAssets(this WebApplication app) =>
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = ConsolePaths.Assets,
            FileProvider = new EmbeddedFileProvider(typeof(ConsoleRegistration).Assembly, "Incidents.Api.Console.assets"),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
}
