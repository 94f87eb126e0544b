using System.Diagnostics;
using Npgsql;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// A PostgreSQL server of the fault tests' own (<c>infra/postgres.sh</c> with its own data directory and port), so they
/// can stop and start it without touching the server every other test uses.
/// </summary>
public sealed class ScratchPostgres : IAsyncDisposable
{
    private readonly string dataRoot = Path.Combine(Path.GetTempPath(), $"incidents-fault-pg-{Guid.NewGuid():N}");

    private ScratchPostgres(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = "incidents", Username = "incidents", Password = "incidents",
        // Short enough that a request arriving while the server is down fails fast instead of queueing for 15 s.
        Timeout = 3,
    }.ConnectionString;

    public static async Task<ScratchPostgres> StartAsync()
    {
        var server = new ScratchPostgres(FreePort());
        await server.UpAsync();
        return server;
    }

    public Task UpAsync() => RunAsync("up");

    /// <summary>A fast shutdown: open connections are terminated (57P01), as in a restart or fail-over.</summary>
    public Task DownAsync() => RunAsync("down");

    public async ValueTask DisposeAsync()
    {
        await DownAsync();
        try
        {
            Directory.Delete(dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private async Task RunAsync(string command)
    {
        var script = Path.Combine(RepositoryRoot(), "infra", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, command]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["INCIDENTS_DATA_ROOT"] = dataRoot;
        start.Environment["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/postgres.sh {command} on port {Port} failed ({process.ExitCode}): {await error}{await output}");
        }
    }

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
