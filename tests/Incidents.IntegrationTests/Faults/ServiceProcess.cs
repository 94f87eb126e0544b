using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// The API or the notification worker as an operating-system process of its own (the built Release/Debug assembly, run
/// with <c>dotnet</c>), configured through environment variables as in production, on a free loopback port: a fault test
/// can kill it with SIGKILL (<see cref="KillAsync"/>), which no in-process host can stand in for.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServiceProcess(Process process, int port, string name)
    {
        this.process = process;
        Port = port;
        Name = name;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Name { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>
    /// The API (<c>src/Incidents.Api</c>) on a database of this test run, environment <c>Testing</c> (development tokens
    /// signed with the tests' key), escalation off, with <paramref name="settings"/> (configuration keys, <c>:</c>-separated).
    /// Returns once <c>/health/ready</c> answers 200.
    /// </summary>
    public static Task<ServiceProcess> StartApiAsync(string database, IReadOnlyDictionary<string, string> settings) =>
        StartAsync("Incidents.Api", "src", new Dictionary<string, string>
        {
            ["ConnectionStrings:Marten"] = TestServices.ConnectionStringFor(database),
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Messaging:NotificationReceiptsQueue"] = $"incidents.receipts.{database}",
            ["Messaging:NotificationReceiptsAutoDelete"] = "true",
            ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
            ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
            ["Escalation:Policy:None"] = "true",
            ["RateLimits:Writes:TokenLimit"] = "100000",
            ["RateLimits:Writes:TokensPerPeriod"] = "100000",
        }.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value), "/health/ready");

    /// <summary>The notification worker (<c>src/Incidents.Dispatch</c>); returns once <c>/health/live</c> answers 200.</summary>
    public static Task<ServiceProcess> StartWorkerAsync(IReadOnlyDictionary<string, string> settings) =>
        StartAsync("Incidents.Dispatch", "src", new Dictionary<string, string>
        {
            ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
            ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
        }.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value), "/health/live");

    private static async Task<ServiceProcess> StartAsync(string project, string folder, IReadOnlyDictionary<string, string> settings, string readyPath)
    {
        var directory = Path.Combine(RepositoryRoot(), folder, project, "bin", Configuration(), "net10.0");
        var assembly = Path.Combine(directory, project + ".dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"Build the solution ({Configuration()}) first", assembly);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing of the test runner's environment leaks in but what the settings say (the shell may export another broker).
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Urls"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var service = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {project}"), port, project);
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (service.process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited with {service.process.ExitCode} at start:\n{service.Output}");
            }

            try
            {
                using var response = await http.GetAsync(readyPath);
                if (response.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                await service.DisposeAsync();
                throw new TimeoutException($"{project} was not ready on port {port} within 90 s:\n{service.Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A signed-in client of this process (hotline desk unless said otherwise).</summary>
    public IncidentsClient Client(string actorId = "desk-01", string role = "hotline") =>
        IncidentsClient.For(new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, actorId, role: role);

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed or handed back, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Incidents.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("The repository root (Incidents.sln) is not above the test output.");
    }
}
