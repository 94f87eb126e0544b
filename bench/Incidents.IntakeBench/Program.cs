using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.Api.Security;
using Incidents.Telemetry.Edges;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Incidents.IntakeBench;

/// <summary>
/// Usage: Incidents.IntakeBench [--clients 32] [--duration 20] [--warmup 15] [--batch 1] [--systems 50] [--keys 20] [--no-baseline]
/// Closed loop: each client posts, waits for the answer, posts again. Alerts are spread over systems × keys of one
/// integration, each with its own occurredAt (every alert counts, none is a duplicate). Then the baseline: the same
/// clients post desk reports for the same time. A benchmark: exit code 0 whatever the figures.
/// </summary>
internal static class IntakeBenchmark
{
    /// <summary>The benchmark's own database (and, by bench/intake.sh, vhost); <c>--suffix</c> there names another.</summary>
    private static readonly string Database = Environment.GetEnvironmentVariable("INCIDENTS_INTAKEBENCH_DATABASE") is { Length: > 0 } name
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') ? name : "incidents_intakebench";
    private const string SigningKey = "incidents-intake-benchmark-signing-key-not-a-secret-01";

    private static readonly string Commit = typeof(IntakeBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BuildCommit")?.Value ?? "unknown";

    public static async Task<int> Main(string[] args)
    {
        var clients = Arg(args, "--clients", 32);
        var duration = Arg(args, "--duration", 20);
        var warmup = Arg(args, "--warmup", 15);
        var batch = Arg(args, "--batch", 1);
        var systems = Arg(args, "--systems", 50);
        var keys = Arg(args, "--keys", 20);
        var baseline = !args.Contains("--no-baseline");

        var adminConnection = Environment.GetEnvironmentVariable("ConnectionStrings__Marten")
            ?? "Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents";
        var rabbit = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? $"amqp://guest:guest@127.0.0.1:5672/{Database}";
        if (Uri.UnescapeDataString(new Uri(rabbit).AbsolutePath.TrimStart('/')) is "" or "/")
        {
            Console.Error.WriteLine($"ConnectionStrings__RabbitMq names the development vhost \"/\"; bench/intake.sh uses {Database}.");
            return 64;
        }

        await using (var admin = new NpgsqlConnection(adminConnection))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"CREATE DATABASE {Database}", admin).ExecuteNonQueryAsync();
        }

        JasperFxEnvironment.AutoStartHost = true;
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Incidents.sln")))
        {
            repository = repository.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_INCIDENTS_API",
            Path.Combine(repository?.FullName ?? Directory.GetCurrentDirectory(), "src", "Incidents.Api"));
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Marten", new NpgsqlConnectionStringBuilder(adminConnection) { Database = Database }.ConnectionString);
            web.UseSetting("ConnectionStrings:RabbitMq", rabbit);
            web.UseSetting("Messaging:NotificationReceiptsQueue", $"incidents.receipts.{Database}");
            web.UseSetting("Messaging:NotificationReceiptsAutoDelete", "true");
            web.UseSetting("Auth:DevelopmentSigningKey", SigningKey);
            web.UseSetting("Auth:AllowDevelopmentKeyOutsideDevelopment", "true");
            web.UseSetting("RateLimits:Writes:TokenLimit", "1000000");
            web.UseSetting("RateLimits:Writes:TokensPerPeriod", "1000000");
            web.ConfigureLogging(logging => logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning));
        });

        using var admin2 = factory.CreateClient();
        admin2.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("admin", "admin-bench"));
        var created = await admin2.PostAsJsonAsync("/api/v1/integrations", new { name = "bench", kind = "generic" });
        var integration = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var path = integration["intakeUrl"]!.GetValue<string>();
        var key = integration["key"]!.GetValue<string>();

        Console.WriteLine($"Incidents.IntakeBench (built from commit {Commit}): closed loop, {clients} clients, {batch} alert(s) per request, " +
            $"{systems} systems x {keys} keys, warm-up {warmup} s, {duration} s");
        var benchConnection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = Database }.ConnectionString;
        using var counting = new Counting(benchConnection);
        await counting.StartAsync();
        var sequence = 0L;
        var shownErrors = 0;
        var intake = await RunAsync(factory, clients, warmup, duration, client =>
        {
            client.DefaultRequestHeaders.Add("X-Integration-Key", key);
            return async () =>
            {
                var events = new JsonArray();
                for (var i = 0; i < batch; i++)
                {
                    var n = Interlocked.Increment(ref sequence);
                    var system = (int)(n % systems);
                    events.Add(new JsonObject
                    {
                        ["eventAction"] = "trigger",
                        ["dedupKey"] = $"sys{system}-key{n / systems % keys}",
                        ["payload"] = new JsonObject
                        {
                            ["summary"] = $"Probe failed on sys{system}",
                            ["source"] = $"sys{system}",
                            ["severity"] = "error",
                            ["occurredAt"] = DateTimeOffset.UtcNow.AddMilliseconds(-n % 100_000).AddTicks(n % 10_000).ToString("O"),
                        },
                    });
                }

                using var response = await client.PostAsync(path, new StringContent(events.ToJsonString(), Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.Accepted && Interlocked.Increment(ref shownErrors) <= 3)
                {
                    Console.WriteLine($"error       {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                return response.StatusCode == HttpStatusCode.Accepted ? batch : -1;
            };
        });
        Report("intake", intake, "alerts");
        Console.WriteLine(await counting.StopAsync(intake.TotalUnits, intake.TotalRequests));

        Result? reports = null;
        if (baseline)
        {
            await counting.StartAsync();
            reports = await RunAsync(factory, clients, warmup, duration, client =>
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("hotline", "desk-bench"));
                return async () =>
                {
                    using var response = await client.PostAsJsonAsync("/api/v1/incidents", new
                    {
                        title = "Benchmark report", description = "", affectedSystem = $"desk-{Random.Shared.Next(systems)}",
                        @class = "fault", channel = "phone", reporter = new { name = "Bench" },
                    });
                    return response.StatusCode == HttpStatusCode.Created ? 1 : -1;
                };
            });
            Report("baseline: desk reports (one new incident stream per request)", reports, "reports");
            Console.WriteLine(await counting.StopAsync(reports.TotalUnits, reports.TotalRequests, "report"));
        }

        await using (var db = new NpgsqlConnection(benchConnection))
        {
            await db.OpenAsync();
            var count = Convert.ToInt64(await new NpgsqlCommand(
                "select coalesce(sum((data -> 'alerts' ->> 'received')::bigint), 0) from incidents.mt_doc_incidentdetails", db).ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            var incidents = (long)(await new NpgsqlCommand(
                "select count(*) from incidents.mt_doc_incidentdetails where data ? 'alerts' and data -> 'alerts' <> 'null'::jsonb", db).ExecuteScalarAsync())!;
            Console.WriteLine($"accounted   {count} alerts on {incidents} incidents (every accepted alert, warm-up included: {intake.TotalUnits})");
        }

        var verdict = intake.UnitsPerSecond >= 1000 && intake.P(0.99) < 100 ? "MET" : "NOT MET";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scenario=intake alerts_per_s={intake.UnitsPerSecond:0} p50={intake.P(0.5):0.0} p99={intake.P(0.99):0.0} errors={intake.Errors} " +
            $"baseline_reports_per_s={(reports?.UnitsPerSecond ?? 0):0} ratio={(reports is { UnitsPerSecond: > 0 } r ? intake.UnitsPerSecond / r.UnitsPerSecond : 0):0.00} " +
            $"target=1000/s,p99<100ms verdict={verdict} clients={clients} batch={batch} commit={Commit}"));
        Console.WriteLine("caveat      closed loop: a stall pauses the clients too, so stalls and queueing are hidden; in-process host (no " +
            "sockets), generator on the same cores as the API and PostgreSQL; a shared machine's load moves every figure.");
        return 0;
    }

    private sealed class Result
    {
        public List<double> Latencies { get; } = [];

        public long Units { get; set; }

        public long TotalUnits { get; set; }

        public long TotalRequests { get; set; }

        public long Errors { get; set; }

        public double Seconds { get; set; }

        public double UnitsPerSecond => Units / Seconds;

        public double P(double p)
        {
            if (Latencies.Count == 0)
            {
                return 0;
            }

            var sorted = Latencies.Order().ToList();
            return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
        }
    }

    private static async Task<Result> RunAsync(WebApplicationFactory<Program> factory, int clients, int warmup, int duration,
        Func<HttpClient, Func<Task<int>>> setup)
    {
        var result = new Result();
        var sync = new Lock();
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var client = factory.CreateClient();
            var send = setup(client);
            while (Stopwatch.GetTimestamp() < end)
            {
                var before = Stopwatch.GetTimestamp();
                int units;
                try
                {
                    units = await send();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    units = -1;
                }

                var after = Stopwatch.GetTimestamp();
                lock (sync)
                {
                    if (units > 0)
                    {
                        result.TotalUnits += units;
                        result.TotalRequests++;
                    }

                    if (before >= measureFrom && after <= end)
                    {
                        if (units < 0)
                        {
                            result.Errors++;
                        }
                        else
                        {
                            result.Units += units;
                            result.Latencies.Add(Stopwatch.GetElapsedTime(before, after).TotalMilliseconds);
                        }
                    }
                }
            }
        }));
        result.Seconds = duration;
        return result;
    }

    private static void Report(string label, Result r, string unit) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label,-62} {r.UnitsPerSecond,8:0} {unit}/s  requests {r.Latencies.Count,7}  p50 {r.P(0.5),6:0.0} ms  p99 {r.P(0.99),6:0.0} ms  errors {r.Errors}"));

    private static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private static string Token(string role, string sub) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = AuthSettings.DevelopmentIssuer,
        Audience = AuthSettings.DefaultAudience,
        Subject = new ClaimsIdentity([new Claim("sub", sub), new Claim("name", "Intake benchmark"), new Claim("role", role)]),
        Expires = DateTime.UtcNow.AddHours(6),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });
}
