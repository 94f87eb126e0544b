using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace Incidents.Bench;

/// <summary>
/// Load generator for bench/run.sh. Two scenarios: <c>report</c> (POST /api/v1/incidents) and <c>lifecycle</c> (the 8
/// requests an incident takes from report to close, on short and on pre-grown streams). Two ways of sending:
/// closed loop (N clients, each sending its next request when the previous one is answered) and open loop (requests
/// started on a fixed schedule whatever the answers, latency measured from the scheduled start). Prints throughput,
/// latency percentiles and errors, plus machine-readable <c>RESULT</c>/<c>STEP</c> lines for bench/run.sh.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (!Options.TryParse(args, out var options, out var problem))
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(Options.Usage);
            return 64;
        }

        var deskToken = Environment.GetEnvironmentVariable("INCIDENTS_BENCH_TOKEN") ?? "";
        var engineerToken = Environment.GetEnvironmentVariable("INCIDENTS_BENCH_RESPONDER_TOKEN") ?? "";
        if (options.Scenario == Scenario.Lifecycle && engineerToken.Length == 0)
        {
            Console.Error.WriteLine("The lifecycle needs INCIDENTS_BENCH_RESPONDER_TOKEN (a responder token; bench/run.sh mints one).");
            return 64;
        }

        var responder = new Responder(
            Environment.GetEnvironmentVariable("INCIDENTS_BENCH_RESPONDER_ID") ?? "bench-eng",
            Environment.GetEnvironmentVariable("INCIDENTS_BENCH_RESPONDER_NAME") ?? "Bench Engineer",
            Environment.GetEnvironmentVariable("INCIDENTS_BENCH_RESPONDER_TEAM") ?? "Bench team");

        var openLoop = options.Rate > 0;
        using var handler = new SocketsHttpHandler
        {
            // Open loop: one connection per request in flight (HTTP/1.1), up to the in-flight cap.
            MaxConnectionsPerServer = openLoop ? options.MaxInFlight + 16 : Math.Max(options.Clients, 1) * 2,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var api = new Api(http, new Uri(options.Url), deskToken, engineerToken, responder);
        var lifecycle = new Lifecycle(api);

        var mode = openLoop
            ? string.Create(CultureInfo.InvariantCulture, $"open loop, {options.Rate} requests/s scheduled, at most {options.MaxInFlight} {(options.Scenario == Scenario.Lifecycle ? "incidents" : "requests")} in flight")
            : string.Create(CultureInfo.InvariantCulture, $"closed loop, {options.Clients} clients");
        Console.WriteLine($"Incidents.Bench (built from commit {BuildInfo.Commit}): scenario={options.Scenario.ToString().ToLowerInvariant()}  {mode}  warm-up={options.Warmup}s  duration={options.Duration}s  {options.Url}");

        // One job first: a broken deployment should fail loudly, not produce a 0 req/s "result".
        var probe = new Phase("probe", null);
        var probeOk = options.Scenario == Scenario.Report
            ? await lifecycle.Report(probe, 0, Stopwatch.GetTimestamp(), true)
            : await lifecycle.Run(probe, 0, Stopwatch.GetTimestamp(), true, grow: 1);
        if (!probeOk)
        {
            Console.Error.WriteLine($"Pre-flight {options.Scenario.ToString().ToLowerInvariant()} failed: {string.Join(" | ", probe.Errors.First)}");
            Console.WriteLine($"RESULT scenario={options.Scenario.ToString().ToLowerInvariant()} rps=0 p50=0 p95=0 p99=0 max=0 errors=1 requests=0 clients={options.Clients} duration={options.Duration} commit={BuildInfo.Commit}");
            return 2;
        }

        var freq = Stopwatch.Frequency;
        var t0 = Stopwatch.GetTimestamp();
        var window = new Window(t0, t0 + (options.Warmup * freq), t0 + ((options.Warmup + options.Duration) * freq), options.Duration);
        var main = new Phase(options.Scenario == Scenario.Lifecycle ? "short" : "main", window);
        Func<int, long, bool?, Task<bool>> job = options.Scenario == Scenario.Report
            ? (n, start, measured) => lifecycle.Report(main, n, start, measured)
            : (n, start, measured) => lifecycle.Run(main, n, start, measured, grow: 0);

        var self = Process.GetCurrentProcess();
        var cpu = Task.Run(async () =>
        {
            await DelayUntil(window.Start);
            self.Refresh();
            var atStart = self.TotalProcessorTime;
            await DelayUntil(window.End);
            self.Refresh();
            return self.TotalProcessorTime - atStart;
        });
        OpenLoopStats? open = null;
        if (openLoop)
        {
            var jobsPerSecond = options.Scenario == Scenario.Lifecycle ? options.Rate / (double)Lifecycle.StepNames.Length : options.Rate;
            open = await Drivers.OpenLoop(jobsPerSecond, window, options.MaxInFlight, job);
        }
        else
        {
            await Drivers.ClosedLoop(options.Clients, window, job);
        }

        var generatorCpu = await cpu;
        Report.PrintMain(options, main, open, generatorCpu);

        if (options.Scenario == Scenario.Lifecycle && options.LongIncidents > 0)
        {
            // The same steps on streams pre-grown with comments, closed loop at the same concurrency, every request
            // measured (the process is warm by now).
            var grown = new Phase("long", null);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Long streams: {options.LongIncidents} incidents, each grown by {options.Grow} comments between report and acknowledge, {options.Clients} closed-loop clients ..."));
            var started = Stopwatch.GetTimestamp();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < options.LongIncidents)
                {
                    await lifecycle.Run(grown, 100_000 + n, Stopwatch.GetTimestamp(), true, options.Grow);
                }
            })));
            Report.PrintLong(options, main, grown, Stopwatch.GetElapsedTime(started));
        }

        return 0;
    }

    private static async Task DelayUntil(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}

internal static class BuildInfo
{
    /// <summary>The commit the generator was built from (bench/Incidents.Bench/Incidents.Bench.csproj, target StampBuildCommit).</summary>
    public static readonly string Commit = typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BuildCommit")?.Value ?? "unknown";
}

internal enum Scenario
{
    Report,
    Lifecycle,
}

internal sealed record Options(
    string Url, int Clients, int Duration, int Warmup, Scenario Scenario, int Rate, int MaxInFlight, int LongIncidents, int Grow)
{
    public const string Usage =
        "usage: Incidents.Bench [--url http://127.0.0.1:5080] [--clients 16] [--duration 20] [--warmup 5]\n" +
        "                       [--scenario report|lifecycle] [--rate REQUESTS_PER_S (open loop; 0 = closed loop)] [--max-inflight 1024]\n" +
        "                       [--long-incidents N (lifecycle: incidents on pre-grown streams; default 2 x clients; 0 = none)] [--grow 190]";

    public static bool TryParse(string[] args, out Options options, out string problem)
    {
        options = new Options("http://127.0.0.1:5080", 16, 20, 5, Scenario.Report, 0, 1024, -1, 190);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                problem = "help";
                return false;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"missing value for {name}";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--url":
                    options = options with { Url = value };
                    break;
                case "--clients" when PositiveInt(value) is { } n:
                    options = options with { Clients = n };
                    break;
                case "--duration" when PositiveInt(value) is { } n:
                    options = options with { Duration = n };
                    break;
                case "--warmup" when NonNegativeInt(value) is { } n:
                    options = options with { Warmup = n };
                    break;
                case "--scenario" when value is "report" or "lifecycle":
                    options = options with { Scenario = value == "report" ? Scenario.Report : Scenario.Lifecycle };
                    break;
                case "--rate" when NonNegativeInt(value) is { } n:
                    options = options with { Rate = n };
                    break;
                case "--max-inflight" when PositiveInt(value) is { } n:
                    options = options with { MaxInFlight = n };
                    break;
                case "--long-incidents" when NonNegativeInt(value) is { } n:
                    options = options with { LongIncidents = n };
                    break;
                case "--grow" when NonNegativeInt(value) is { } n:
                    options = options with { Grow = n };
                    break;
                default:
                    problem = $"unknown option or bad value: {name} {value}";
                    return false;
            }
        }

        if (options.LongIncidents < 0)
        {
            options = options with { LongIncidents = options.Clients * 2 };
        }

        return true;
    }

    private static int? PositiveInt(string value) => NonNegativeInt(value) is > 0 and var n ? n : null;

    private static int? NonNegativeInt(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;
}

/// <summary>The run's clock as <see cref="Stopwatch"/> timestamps, fixed before the first request: warm-up from
/// <see cref="Origin"/>, measurement from <see cref="Start"/> to <see cref="End"/>.</summary>
internal sealed record Window(long Origin, long Start, long End, int Seconds)
{
    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;
}
