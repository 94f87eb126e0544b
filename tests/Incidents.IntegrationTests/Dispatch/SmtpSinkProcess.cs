using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>A mail the SMTP sink process accepted: when (its clock), to whom, about which incident, for which trigger.</summary>
public sealed record SinkMail(DateTimeOffset At, string To, string IncidentId, string Trigger);

/// <summary>
/// The SMTP server as a separate process (bench/Incidents.SmtpSink, built with the tests), on a free loopback port: the
/// worker delivers over real TCP to a real server, as in production, not to an in-process fake. Its output (one line
/// per mail) is read as it comes.
/// </summary>
public sealed class SmtpSinkProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<SinkMail> _mails = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SmtpSinkProcess(Process process) => _process = process;

    public int Port { get; private set; }

    public IReadOnlyCollection<SinkMail> Mails => _mails;

    /// <summary>Addresses whose first delivery the sink holds unanswered (addresses starting with "hold").</summary>
    public IReadOnlyCollection<string> Held => _held;

    private readonly ConcurrentQueue<string> _held = new();

    public IReadOnlyList<SinkMail> For(Guid incidentId) => _mails.Where(m => m.IncidentId == incidentId.ToString()).ToList();

    public static async Task<SmtpSinkProcess> StartAsync()
    {
        var info = new ProcessStartInfo("dotnet", [SinkAssembly(), "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var sink = new SmtpSinkProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the SMTP sink"));
        sink._process.OutputDataReceived += (_, e) => sink.Read(e.Data);
        sink._process.BeginOutputReadLine();
        sink._process.BeginErrorReadLine();
        sink.Port = await sink._port.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return sink;
    }

    private void Read(string? line)
    {
        switch (line?.Split(' '))
        {
            case ["LISTENING", var port]:
                _port.TrySetResult(int.Parse(port, CultureInfo.InvariantCulture));
                break;
            case ["HELD", var address]:
                _held.Enqueue(address);
                break;
            case ["MAIL", var ms, var to, var incident, var trigger]:
                _mails.Enqueue(new SinkMail(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, CultureInfo.InvariantCulture)), to,
                    incident, trigger));
                break;
        }
    }

    /// <summary>bench/Incidents.SmtpSink/bin/&lt;configuration&gt;/net10.0/Incidents.SmtpSink.dll, in the configuration of this build.</summary>
    private static string SinkAssembly()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Incidents.sln")))
        {
            directory = directory.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"),
            "bench", "Incidents.SmtpSink", "bin", configuration, "net10.0", "Incidents.SmtpSink.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the tests (they build the SMTP sink) first", path);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
