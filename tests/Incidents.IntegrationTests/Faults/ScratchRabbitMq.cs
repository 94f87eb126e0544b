using System.Diagnostics;
using System.Globalization;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// A RabbitMQ node of the fault tests' own (the Debian <c>rabbitmq-server</c>, as <c>infra/rabbitmq.sh</c> starts the
/// shared one): its own node name, AMQP and distribution ports, data and log directories, no plugins (the shared node's
/// management port stays its own). A test may stop and start it without touching the broker every other test uses.
/// Needs root, as CI has (the Debian scripts switch to the <c>rabbitmq</c> user).
/// </summary>
public sealed class ScratchRabbitMq : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"incidents-fault-mq-{Guid.NewGuid():N}");
    private readonly string node = $"incidents-fault-{Guid.NewGuid().ToString("N")[..8]}@localhost";
    private readonly int distributionPort = FreePort();

    private ScratchRabbitMq(int port) => Port = port;

    public int Port { get; }

    /// <summary>guest/guest, which RabbitMQ accepts from loopback only.</summary>
    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/";

    public static async Task<ScratchRabbitMq> StartAsync()
    {
        var broker = new ScratchRabbitMq(FreePort());
        Directory.CreateDirectory(Path.Combine(broker.directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(broker.directory, "log"));
        await File.WriteAllTextAsync(Path.Combine(broker.directory, "enabled_plugins"), "[].\n");
        await File.WriteAllTextAsync(Path.Combine(broker.directory, "rabbitmq.conf"), "loopback_users.guest = true\n");
        await broker.RunAsync("chown", ["-R", "rabbitmq:", broker.directory], TimeSpan.FromSeconds(30));
        await broker.RunAsync("chmod", ["755", broker.directory], TimeSpan.FromSeconds(30));
        await broker.UpAsync();
        return broker;
    }

    /// <summary>Starts the node and waits until it serves AMQP (the first boot takes a while on a busy machine).</summary>
    public async Task UpAsync()
    {
        // Fully detached: the daemon must not hold this process's pipes open.
        await RunAsync("bash", ["-c", $"rabbitmq-server -detached </dev/null >>'{directory}/startup.log' 2>&1"], TimeSpan.FromSeconds(60));
        await Eventually.GetAsync(AcceptsAsync, open => open, TimeSpan.FromSeconds(120),
            $"RabbitMQ node {node} to open port {Port} (logs in {directory}/log)");

        await RunAsync("rabbitmqctl", ["-n", node, "await_startup", "--timeout", "90"], TimeSpan.FromSeconds(120));
    }

    /// <summary>A graceful stop, as in a restart or a rolling upgrade: connections are closed, durable queues kept.</summary>
    public async Task DownAsync()
    {
        await RunAsync("rabbitmqctl", ["-n", node, "stop"], TimeSpan.FromSeconds(120));
        await Eventually.GetAsync(AcceptsAsync, open => !open, TimeSpan.FromSeconds(60), $"RabbitMQ node {node} to close port {Port} after stop");
    }

    /// <summary>Messages on each queue of the default vhost, ready and unacknowledged together (<c>rabbitmqctl list_queues</c>).</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueuesAsync()
    {
        var output = await RunAsync("rabbitmqctl", ["-n", node, "list_queues", "--quiet", "--no-table-headers", "name", "messages"],
            TimeSpan.FromSeconds(60));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out _))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (await AcceptsAsync())
            {
                await DownAsync();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
        {
            return false;
        }
    }

    private Task<string> RunAsync(string command, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        // What infra/rabbitmq.sh sets for the shared node, with this node's name, ports and directories.
        start.Environment["RABBITMQ_NODENAME"] = node;
        start.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf");
        start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":/usr/local/sbin:/usr/sbin:/sbin";
        return Run(start, timeout);
    }

    private static async Task<string> Run(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {start.FileName}");
        if (start.RedirectStandardInput)
        {
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await error}{await output}");
        }

        return await output;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
