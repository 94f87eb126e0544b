using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Incidents.Bench;

/// <summary>
/// Closed-loop load generator for <c>POST /api/v1/incidents</c>: N clients, each sending its next report as soon as
/// the previous one is answered, for a warm-up and then a fixed measurement window. Prints throughput, latency
/// percentiles and errors, plus one machine-readable <c>RESULT ...</c> line for bench/run.sh.
/// </summary>
internal static class Program
{
    private const string Path = "/api/v1/incidents";

    private static async Task<int> Main(string[] args)
    {
        if (!Options.TryParse(args, out var options, out var problem))
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(Options.Usage);
            return 64;
        }

        var bodies = Bodies.Build(512);
        var uri = new Uri(new Uri(options.Url), Path);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(options.Clients, 1) * 2,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        // One request first: a broken deployment should fail loudly, not produce a 0 req/s "result".
        var probe = await Client.SendOnce(http, uri, bodies[0], "bench-probe");
        if (probe.Status != 201)
        {
            Console.Error.WriteLine($"Pre-flight POST {uri} failed: {probe.Describe()}");
            Console.WriteLine($"RESULT rps=0 p50=0 p95=0 p99=0 max=0 errors=1 requests=0 clients={options.Clients} duration={options.Duration}");
            return 2;
        }

        var freq = Stopwatch.Frequency;
        var t0 = Stopwatch.GetTimestamp();
        var window = new Window(t0 + (options.Warmup * freq), t0 + ((options.Warmup + options.Duration) * freq), options.Duration);
        var errors = new ErrorLog();

        // Capacity for ~2,000 req/s per client (far above what 2 cores do); grows if ever exceeded.
        var capacity = Math.Max(1024, options.Duration * 2000);
        var clients = Enumerable.Range(0, options.Clients)
            .Select(i => new Client(i, http, uri, bodies, window, errors, capacity))
            .ToArray();

        Console.WriteLine($"Incidents.Bench: POST {uri}  clients={options.Clients}  warm-up={options.Warmup}s  duration={options.Duration}s");
        var tasks = clients.Select(c => Task.Run(c.RunAsync)).ToArray();

        var self = Process.GetCurrentProcess();
        await DelayUntil(window.Start);
        self.Refresh();
        var cpuAtStart = self.TotalProcessorTime;
        await DelayUntil(window.End);
        self.Refresh();
        var cpuUsed = self.TotalProcessorTime - cpuAtStart;
        await Task.WhenAll(tasks);

        Report.Print(options, clients, window, errors, cpuUsed);
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

internal sealed record Options(string Url, int Clients, int Duration, int Warmup)
{
    public const string Usage =
        "usage: Incidents.Bench [--url http://127.0.0.1:5080] [--clients 16] [--duration 20] [--warmup 5]";

    public static bool TryParse(string[] args, out Options options, out string problem)
    {
        options = new Options("http://127.0.0.1:5080", 16, 20, 5);
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
                case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 0:
                    options = options with { Warmup = n };
                    break;
                default:
                    problem = $"unknown option or bad value: {name} {value}";
                    return false;
            }
        }

        return true;
    }

    private static int? PositiveInt(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}

/// <summary>The measurement window as <see cref="Stopwatch"/> timestamps, fixed before the first request.</summary>
internal sealed record Window(long Start, long End, int Seconds)
{
    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;
}

/// <summary>Error counts by kind, and the first few messages verbatim.</summary>
internal sealed class ErrorLog
{
    private const int KeepFirst = 5;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byKind = [];
    private readonly List<string> _first = [];
    private long _warmupErrors;

    public void Add(Outcome outcome, bool measured)
    {
        lock (_gate)
        {
            if (!measured)
            {
                _warmupErrors++;
            }
            else
            {
                var kind = outcome.Status > 0 ? outcome.Status.ToString(CultureInfo.InvariantCulture) : outcome.Error!.GetType().Name;
                _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
            }

            if (_first.Count < KeepFirst)
            {
                _first.Add((measured ? "" : "[warm-up] ") + outcome.Describe());
            }
        }
    }

    public long WarmupErrors
    {
        get
        {
            lock (_gate)
            {
                return _warmupErrors;
            }
        }
    }

    public IReadOnlyDictionary<string, long> ByKind
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_byKind);
            }
        }
    }

    public IReadOnlyList<string> First
    {
        get
        {
            lock (_gate)
            {
                return [.. _first];
            }
        }
    }
}

internal readonly record struct Outcome(int Status, string? Body, Exception? Error)
{
    public string Describe()
    {
        if (Error is not null)
        {
            return $"{Error.GetType().Name}: {Error.Message}";
        }

        var body = Body ?? "";
        return $"HTTP {Status}: {(body.Length > 300 ? body[..300] + "..." : body)}";
    }
}

/// <summary>One closed-loop client: a latency buffer of its own, no shared state on the success path.</summary>
internal sealed class Client(int index, HttpClient http, Uri uri, byte[][] bodies, Window window, ErrorLog errors, int capacity)
{
    private long[] _latencies = new long[capacity];

    public int Count { get; private set; }

    public long Errors { get; private set; }

    public long[] CompletionsPerSecond { get; } = new long[window.Seconds + 1];

    public ReadOnlySpan<long> Latencies => _latencies.AsSpan(0, Count);

    public async Task RunAsync()
    {
        var actor = "bench-" + index.ToString(CultureInfo.InvariantCulture);
        var next = index * 37;
        while (Stopwatch.GetTimestamp() < window.End)
        {
            var body = bodies[next++ % bodies.Length];
            var start = Stopwatch.GetTimestamp();
            var outcome = await SendOnce(http, uri, body, actor);
            var end = Stopwatch.GetTimestamp();
            var measured = window.Contains(end);
            if (outcome.Status == 201)
            {
                if (measured)
                {
                    Record(end - start);
                    CompletionsPerSecond[(end - window.Start) / Stopwatch.Frequency]++;
                }
            }
            else
            {
                if (measured)
                {
                    Errors++;
                }

                errors.Add(outcome, measured);
                if (outcome.Error is not null)
                {
                    // Connection refused & co. would otherwise spin a core.
                    await Task.Delay(10);
                }
            }
        }
    }

    private static readonly string BearerToken = Environment.GetEnvironmentVariable("INCIDENTS_BENCH_TOKEN") ?? "";

    public static async Task<Outcome> SendOnce(HttpClient http, Uri uri, byte[] body, string actor)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            // A hotline token minted by bench/run.sh (scripts/dev-token.sh); "actor" only names the client in errors.
            _ = actor;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerToken);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            if (status == 201)
            {
                // Read (and drop) the body: the server's cost of writing it is part of the request.
                await using var stream = await response.Content.ReadAsStreamAsync();
                await stream.CopyToAsync(Stream.Null);
                return new Outcome(status, null, null);
            }

            return new Outcome(status, await response.Content.ReadAsStringAsync(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Outcome(0, null, e);
        }
    }

    private void Record(long ticks)
    {
        if (Count == _latencies.Length)
        {
            Array.Resize(ref _latencies, _latencies.Length * 2);
        }

        _latencies[Count++] = ticks;
    }
}

/// <summary>Realistic report bodies, serialised once up front so the generator spends its CPU on HTTP only.</summary>
internal static class Bodies
{
    // No "major-event": its 1-minute acknowledge clock fires SLA checks (durable scheduled messages) 30 s after each
    // report, i.e. inside longer runs, so results would depend on --duration. The other classes first fire after
    // 2.5 minutes.
    private static readonly string[] Classes = ["outage", "fault", "security-event"];

    private static readonly string[] Systems =
    [
        "SCADA north", "Billing gateway", "Substation Brno-Sever", "Customer portal", "Fibre ring East", "Call-centre PBX",
        "Meter data hub", "Dispatch radio", "Water plant Hradec", "VPN concentrator",
    ];

    private static readonly string[] Symptoms =
    [
        "no telemetry for the last 10 minutes", "breaker tripped twice, now locked out", "customers report timeouts on login",
        "link down between two core switches", "alarm flood from the RTUs", "invoices not generated since midnight",
        "pressure dropping in zone 4", "operators cannot log in", "intermittent packet loss above 30 %", "fire alarm in the server room",
    ];

    private static readonly string[] Names =
    [
        "Jana Nováková", "Petr Svoboda", "Eva Dvořáková", "Tomáš Černý", "Lucie Procházková", "Martin Kučera", "Anna Veselá",
        "Jakub Horák",
    ];

    public static byte[][] Build(int count)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var system = Systems[i % Systems.Length];
            var symptom = Symptoms[(i / Systems.Length) % Symptoms.Length];
            var name = Names[i % Names.Length];
            var description = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Caller reports {symptom} on {system}. ")
                .Append("Started around the shift change; local staff already power-cycled the affected unit without effect. ")
                .Append(CultureInfo.InvariantCulture, $"Ticket reference HD-{100000 + (i * 7919 % 900000)}. ")
                .Append("Please call back before dispatching anybody on site.")
                .ToString();
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new
            {
                title = $"{system}: {symptom}",
                description,
                affectedSystem = system,
                @class = Classes[i % Classes.Length],
                channel = "phone",
                reporter = new
                {
                    name,
                    phone = $"+420 601 {i % 1000:000} {(i * 31) % 1000:000}",
                    email = $"reporter{i}@example.com",
                },
            }, options);
        }

        return bodies;
    }
}

internal static class Report
{
    public static void Print(Options options, Client[] clients, Window window, ErrorLog errorLog, TimeSpan generatorCpu)
    {
        var total = clients.Sum(c => c.Count);
        var all = new long[total];
        var at = 0;
        foreach (var client in clients)
        {
            client.Latencies.CopyTo(all.AsSpan(at));
            at += client.Count;
        }

        Array.Sort(all);
        var errors = clients.Sum(c => c.Errors);
        var rps = total / (double)window.Seconds;
        var p50 = Ms(Percentile(all, 0.50));
        var p95 = Ms(Percentile(all, 0.95));
        var p99 = Ms(Percentile(all, 0.99));
        var max = Ms(total > 0 ? all[^1] : 0);
        var mean = total > 0 ? Ms((long)all.Average()) : 0;

        var perSecond = new long[window.Seconds];
        foreach (var client in clients)
        {
            for (var s = 0; s < window.Seconds; s++)
            {
                perSecond[s] += client.CompletionsPerSecond[s];
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"  requests     {total,10}   (201 Created, completed in the {window.Seconds} s window)"));
        Console.WriteLine(string.Create(inv, $"  errors       {errors,10}   (non-201 or exception; {errorLog.WarmupErrors} more during warm-up)"));
        Console.WriteLine(string.Create(inv, $"  throughput   {rps,10:F1}   req/s"));
        Console.WriteLine(string.Create(inv, $"  latency ms   p50 {p50:F2}   p95 {p95:F2}   p99 {p99:F2}   max {max:F2}   mean {mean:F2}"));
        Console.WriteLine("  per second   " + string.Join(' ', perSecond));
        Console.WriteLine(string.Create(inv,
            $"  generator    {generatorCpu.TotalSeconds / window.Seconds * 100,10:F0}   % of one core (its own CPU time in the window)"));
        foreach (var (kind, count) in errorLog.ByKind.OrderByDescending(k => k.Value))
        {
            Console.WriteLine(string.Create(inv, $"  error {kind}: {count}"));
        }

        foreach (var message in errorLog.First)
        {
            Console.WriteLine("  first errors: " + message.ReplaceLineEndings(" "));
        }

        Console.WriteLine(string.Create(inv,
            $"RESULT rps={rps:F1} p50={p50:F2} p95={p95:F2} p99={p99:F2} max={max:F2} errors={errors} requests={total} clients={options.Clients} duration={window.Seconds} gencpu={generatorCpu.TotalSeconds / window.Seconds * 100:F0}"));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
