using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Incidents.Contracts;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// Dispatch benchmark: the real worker and a real SMTP server, each its own process, on vhost/database of their own.
//   --notices N    bulk notices per burst (default 10000)
//   --worker DLL   Incidents.Dispatch.dll      --sink DLL  Incidents.SmtpSink.dll
//   --database D   incidents_dispatch_bench[_suffix] (dropped and recreated)
// Scenarios: (1) burst: N bulk notices queued at once -> notices/s and p50/p99 event-to-delivery lag;
// (2) paced: 200 notices/s for 10 s -> p50/p99 lag when the worker keeps up;
// (3) a new outage reported while N bulk notices are queued -> its page's event-to-delivery time (target < 5 s).
var notices = Option("--notices", 10_000);
var workerDll = Text("--worker") ?? throw new ArgumentException("--worker <Incidents.Dispatch.dll>");
var sinkDll = Text("--sink") ?? throw new ArgumentException("--sink <Incidents.SmtpSink.dll>");
var rabbitUri = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? throw new ArgumentException("ConnectionStrings__RabbitMq");
if (new ConnectionFactory { Uri = new Uri(rabbitUri) }.VirtualHost == "/")
{
    // Never the development vhost (issue #16): the running worker would mail the benchmark's notices.
    Console.WriteLine("WARNING refusing the RabbitMQ vhost \"/\": run through bench/dispatch.sh (vhost incidents_dispatch_bench)");
    return;
}

var pg = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("ConnectionStrings__Marten")
                                           ?? "Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents");
// Its own database (bench/dispatch.sh --suffix NAME gives incidents_dispatch_bench_NAME, so parallel runs never collide).
var Database = Text("--database") ?? "incidents_dispatch_bench";
if (!System.Text.RegularExpressions.Regex.IsMatch(Database, "^incidents_dispatch_bench[a-z0-9_]*$"))
{
    throw new ArgumentException("--database must be incidents_dispatch_bench[_suffix] (it is dropped and recreated)");
}

var commit = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BuildCommit")?.Value ?? "unknown";
Console.WriteLine($"commit {commit} (recorded in the benchmark binary at build time)");

// A fresh database for the worker's ledger.
await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Database = "postgres" }.ConnectionString))
{
    await admin.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
    await new NpgsqlCommand($"CREATE DATABASE {Database}", admin).ExecuteNonQueryAsync();
}

var broker = await new ConnectionFactory { Uri = new Uri(rabbitUri), ClientProvidedName = "incidents-dispatch-bench" }.CreateConnectionAsync();
await using (var setup = await broker.CreateChannelAsync())
{
    foreach (var queue in new[] { Messaging.DispatchQueue, Messaging.DispatchPagesQueue })
    {
        await setup.QueueDeleteAsync(queue);
    }
}

// The SMTP server, its own process.
var mails = 0;
var sinkPort = new TaskCompletionSource<int>();
using var sink = Start(sinkDll, ["--port", "0"], new Dictionary<string, string>(), line =>
{
    if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
    {
        sinkPort.TrySetResult(int.Parse(line[10..], CultureInfo.InvariantCulture));
    }
    else if (line.StartsWith("MAIL ", StringComparison.Ordinal))
    {
        Interlocked.Increment(ref mails);
    }
});
var port = await sinkPort.Task.WaitAsync(TimeSpan.FromSeconds(30));

// The worker, its own process, configured as in production but for its rules and directory; on a free port, so the
// benchmark can read its /metrics (the runtime's allocation counter).
var workerPort = FreePort();
using var worker = Start(workerDll, [], new Dictionary<string, string>
{
    ["Urls"] = $"http://127.0.0.1:{workerPort}",
    ["ConnectionStrings__Dispatch"] = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Database = Database }.ConnectionString,
    ["ConnectionStrings__RabbitMq"] = rabbitUri,
    // Production needs a token issuer for the operator endpoints (none are called here).
    ["Auth__Authority"] = "https://login.invalid/incidents",
    ["Logging__LogLevel__Default"] = "Warning",
    ["Dispatch__Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
    ["Dispatch__Rules__0__On"] = "sla-warning",
    ["Dispatch__Rules__0__Recipients__0"] = "bulk-reader",
    ["Dispatch__Rules__1__On"] = "incident-opened",
    ["Dispatch__Rules__1__Recipients__0"] = "duty-engineer",
    ["Dispatch__Recipients__bulk-reader__Name"] = "Bulk reader",
    ["Dispatch__Recipients__bulk-reader__Email"] = "bulk@example.org",
    ["Dispatch__Recipients__duty-engineer__Name"] = "值班工程师",
    ["Dispatch__Recipients__duty-engineer__Email"] = "duty@example.org",
}, _ => { });

// Receipts: what the worker reports for every attempt, with its lag.
var receipts = new ConcurrentQueue<(Guid Incident, string Trigger, string Outcome, TimeSpan Lag, DateTime Seen)>();
var channel = await broker.CreateChannelAsync();
await channel.ExchangeDeclareAsync(Messaging.NotificationReceiptsExchange, ExchangeType.Fanout, durable: true);
var probe = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
await channel.QueueBindAsync(probe.QueueName, Messaging.NotificationReceiptsExchange, "");
var consumer = new AsyncEventingBasicConsumer(channel);
consumer.ReceivedAsync += (_, delivery) =>
{
    var message = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("message");
    receipts.Enqueue((message.GetProperty("incidentId").GetGuid(), message.GetProperty("trigger").GetString()!,
        message.GetProperty("outcome").GetString()!,
        TimeSpan.Parse(message.GetProperty("lag").GetString()!, CultureInfo.InvariantCulture), DateTime.UtcNow));
    return Task.CompletedTask;
};
await channel.BasicConsumeAsync(probe.QueueName, autoAck: true, consumer);
await using var publisher = await broker.CreateChannelAsync();
await WaitForConsumersAsync();
Console.WriteLine($"worker and SMTP sink (port {port}) up; {Environment.ProcessorCount} cores");

// Warm-up (JIT, connections), not measured.
await PublishBulkAsync(200);
await DrainAsync(200, TimeSpan.FromMinutes(2));

// (1) Burst. Counted as well as timed (timings are noise on a shared machine; counts are not): the worker's and the
// sink's CPU time per notice (their processes' user + system time) and the PostgreSQL transactions per notice (every
// statement the worker sends outside a transaction is one; pg_stat_database of the bench database).
await Task.Delay(1500); // pg_stat_database is flushed about once a second
var (cpuWorker, cpuSink, xacts, allocated) = (worker.TotalProcessorTime, sink.TotalProcessorTime, await TransactionsAsync(), await AllocatedAsync());
var started = DateTime.UtcNow;
await PublishBulkAsync(notices);
var burst = await DrainAsync(notices, TimeSpan.FromMinutes(10));
var seconds = (burst.Max(r => r.Seen) - started).TotalSeconds;
worker.Refresh();
sink.Refresh();
var (workerMs, sinkMs) = ((worker.TotalProcessorTime - cpuWorker).TotalMilliseconds / notices, (sink.TotalProcessorTime - cpuSink).TotalMilliseconds / notices);
await Task.Delay(1500);
var perNotice = (await TransactionsAsync() - xacts) / (double)notices;
var allocatedPerNotice = (await AllocatedAsync() - allocated) / notices / 1024;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"burst     {notices} bulk notices queued at once: {notices / seconds:0} notices/s ({seconds:0.0} s), lag p50 {Percentile(burst, 0.50):0.00} s, p99 {Percentile(burst, 0.99):0.00} s, mails at the sink {Volatile.Read(ref mails)}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"counted   per notice: worker CPU {workerMs:0.000} ms, SMTP sink CPU {sinkMs:0.000} ms, PostgreSQL transactions {perNotice:0.00}, worker allocations {allocatedPerNotice:0.0} KB (burst, {notices} notices)"));

// (2) Paced.
var paced = new List<Task>();
var pacedStart = DateTime.UtcNow;
for (var second = 0; second < 10; second++)
{
    await PublishBulkAsync(200);
    var next = pacedStart.AddSeconds(second + 1) - DateTime.UtcNow;
    if (next > TimeSpan.Zero)
    {
        await Task.Delay(next);
    }
}

var steady = await DrainAsync(2000, TimeSpan.FromMinutes(5));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"paced     200 notices/s for 10 s: lag p50 {Percentile(steady, 0.50):0.00} s, p99 {Percentile(steady, 0.99):0.00} s"));

// (3) A new outage behind a backlog.
await PublishBulkAsync(notices);
var outage = Guid.NewGuid();
await PublishAsync(Messaging.IncidentPagesExchange, nameof(IncidentOpened), new IncidentOpened(outage, "Settlement down",
    "medical-insurance-settlement", "outage", "phone", false, null, DateTimeOffset.UtcNow, new ActorInfo("desk-01", "Li Na"), 1));
var deadline = DateTime.UtcNow.AddMinutes(2);
while (!receipts.Any(r => r.Incident == outage) && DateTime.UtcNow < deadline)
{
    await Task.Delay(20);
}

var page = receipts.FirstOrDefault(r => r.Incident == outage);
var behind = (await publisher.QueueDeclarePassiveAsync(Messaging.DispatchQueue)).MessageCount;
Console.WriteLine(page.Incident == outage
    ? string.Create(CultureInfo.InvariantCulture,
        $"page      a new outage reported behind {notices} queued bulk notices: delivered {page.Lag.TotalSeconds:0.00} s after the report ({page.Outcome}); bulk still queued then: ~{behind}")
    : "page      NOT delivered within 2 minutes");
await DrainAsync(notices, TimeSpan.FromMinutes(10));

Console.WriteLine("RESULT done");
worker.Kill();
sink.Kill();
return;

// The worker's total allocated bytes (dotnet.gc.heap.total_allocated of its runtime metrics; NaN when the scrape lacks it).
async Task<double> AllocatedAsync()
{
    try
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{workerPort}/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal));
        // name{labels} value [timestamp]
        var value = line?[(line.Contains('}') ? line.LastIndexOf('}') + 1 : line.IndexOf(' '))..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return value is null ? double.NaN : double.Parse(value, CultureInfo.InvariantCulture);
    }
    catch (HttpRequestException)
    {
        return double.NaN;
    }
}

static int FreePort()
{
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

async Task<long> TransactionsAsync()
{
    await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Database = "postgres" }.ConnectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", connection);
    command.Parameters.AddWithValue(Database);
    return (long)(await command.ExecuteScalarAsync())!;
}

async Task WaitForConsumersAsync()
{
    var until = DateTime.UtcNow.AddSeconds(60);
    while (DateTime.UtcNow < until)
    {
        await using var check = await broker.CreateChannelAsync();
        try
        {
            if ((await check.QueueDeclarePassiveAsync(Messaging.DispatchQueue)).ConsumerCount > 0
                && (await check.QueueDeclarePassiveAsync(Messaging.DispatchPagesQueue)).ConsumerCount > 0)
            {
                return;
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // not declared yet
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("the worker did not start consuming within 60 s");
}

async Task PublishBulkAsync(int count)
{
    for (var i = 0; i < count; i++)
    {
        var now = DateTimeOffset.UtcNow;
        await PublishAsync(Messaging.IncidentEventsExchange, nameof(IncidentSlaWarning), new IncidentSlaWarning(Guid.NewGuid(),
            $"bench {i}", "fault", "bench-system", false, "restore", 0.8, now.AddHours(1), now, 3));
    }
}

async Task PublishAsync(string exchange, string type, object message)
{
    var id = Guid.NewGuid();
    var body = JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        messageType = new[] { $"urn:message:Incidents.Contracts:{type}" },
        message,
        headers = new Dictionary<string, object>(),
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = id.ToString(), Persistent = true };
    await publisher.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
}

// Takes the next `count` sla-warning receipts off the probe (waiting for them).
async Task<List<(Guid Incident, string Trigger, string Outcome, TimeSpan Lag, DateTime Seen)>> DrainAsync(int count, TimeSpan timeout)
{
    var taken = new List<(Guid, string, string, TimeSpan, DateTime)>(count);
    var until = DateTime.UtcNow + timeout;
    while (taken.Count < count && DateTime.UtcNow < until)
    {
        if (receipts.TryDequeue(out var receipt))
        {
            if (receipt.Trigger == NotificationTriggers.SlaWarning)
            {
                taken.Add(receipt);
            }
        }
        else
        {
            await Task.Delay(10);
        }
    }

    if (taken.Count < count)
    {
        Console.WriteLine($"WARNING only {taken.Count} of {count} receipts within {timeout}");
    }

    return taken;
}

static double Percentile(List<(Guid Incident, string Trigger, string Outcome, TimeSpan Lag, DateTime Seen)> sample, double p)
{
    if (sample.Count == 0)
    {
        return double.NaN;
    }

    var sorted = sample.Select(s => s.Lag.TotalSeconds).Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

Process Start(string dll, string[] arguments, Dictionary<string, string> environment, Action<string> onLine)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(dll);
    foreach (var argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    foreach (var (key, value) in environment)
    {
        info.Environment[key] = value;
    }

    var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data is { } line)
        {
            onLine(line);
        }
    };
    process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is { } line)
        {
            Console.Error.WriteLine($"[{Path.GetFileNameWithoutExtension(dll)}] {line}");
        }
    };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

int Option(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
