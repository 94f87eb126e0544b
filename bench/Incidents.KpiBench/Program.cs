using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Incidents.Api.Security;
using Incidents.Telemetry.Edges;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Incidents.KpiBench;

/// <summary>
/// Usage: Incidents.KpiBench [--incidents 100000] [--year 2025] [--requests 200] [--warmup 20] [--reuse] [--database incidents_kpibench_x]
/// Seeds a year of incidents into the database incidents_kpibench (or another whose name starts with it: dropped and
/// created, unless --reuse finds it seeded with the same count), then times the KPI endpoints on the real API hosted
/// in-process. A benchmark: exit code 0 whatever the figures.
/// </summary>
internal static class KpiBenchmark
{
    private const string DefaultDatabase = "incidents_kpibench";
    private const string SigningKey = "incidents-kpi-benchmark-signing-key-not-a-secret-0001";

    /// <summary>True for the development vhost "/" (an empty path, "/" or "/%2F").</summary>
    private static bool IsDevelopmentVhost(string amqpUri) =>
        Uri.UnescapeDataString(new Uri(amqpUri).AbsolutePath.TrimStart('/')) is "" or "/";

    public static async Task<int> Main(string[] args)
    {
        var options = BenchArgs.Parse(args);
        // The database is dropped and re-created: only ever one of the benchmark's own (two builds can then be compared on
        // their own seeded data, alternating --reuse runs).
        var database = options.Database;
        if (!database.StartsWith(DefaultDatabase, StringComparison.Ordinal) || !database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            Console.Error.WriteLine($"--database must start with {DefaultDatabase} (letters, digits, _): it is dropped and re-created.");
            return 2;
        }

        var adminConnection = Environment.GetEnvironmentVariable("ConnectionStrings__Marten")
            ?? "Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents";
        var rabbit = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? "amqp://guest:guest@127.0.0.1:5672/incidents_kpibench";
        if (IsDevelopmentVhost(rabbit))
        {
            // Isolation (issue #16): a benchmark never publishes into the development system's vhost "/".
            Console.Error.WriteLine("ConnectionStrings__RabbitMq names the development vhost \"/\"; use a vhost of its own, e.g. amqp://guest:guest@127.0.0.1:5672/incidents_kpibench (bench/kpi.sh creates it with infra/rabbitmq.sh vhost incidents_kpibench).");
            return 64;
        }

        var benchConnection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
        var seeded = options.Reuse && await CountAsync(adminConnection, benchConnection, database) == options.Incidents;
        if (!seeded)
        {
            await using var admin = new NpgsqlConnection(adminConnection);
            await admin.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
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
            web.UseSetting("ConnectionStrings:Marten", benchConnection);
            web.UseSetting("ConnectionStrings:RabbitMq", rabbit);
            web.UseSetting("Messaging:NotificationReceiptsQueue", $"incidents.receipts.{database}");
            web.UseSetting("Messaging:NotificationReceiptsAutoDelete", "true");
            web.UseSetting("Auth:DevelopmentSigningKey", SigningKey);
            web.UseSetting("Auth:AllowDevelopmentKeyOutsideDevelopment", "true");
            web.ConfigureLogging(logging => logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning));
        });

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        var year = options.Year;
        if (!seeded)
        {
            var store = factory.Services.GetRequiredService<IDocumentStore>();
            var watch = Stopwatch.StartNew();
            await Seeder.SeedAsync(store, options.Incidents, year);
            watch.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seeded {options.Incidents} incidents of {year} in {watch.Elapsed.TotalSeconds:0.0} s ({options.Incidents / watch.Elapsed.TotalSeconds:0} incidents/s)"));
            await using var db = new NpgsqlConnection(benchConnection);
            await db.OpenAsync();
            // A fresh bulk load has no planner statistics or visibility map yet; autovacuum would get there in its own time.
            await new NpgsqlCommand("VACUUM ANALYZE", db) { CommandTimeout = 600 }.ExecuteNonQueryAsync();
        }

        await using (var db = new NpgsqlConnection(benchConnection))
        {
            await db.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select count(*), count(*) filter (where is_drill), count(*) filter (where cancelled), count(*) filter (where is_outage)," +
                " pg_size_pretty(pg_total_relation_size('incidents.mt_doc_incidentkpifacts')), (select count(*) from incidents.mt_events)" +
                " from incidents.mt_doc_incidentkpifacts", db);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Console.WriteLine($"data: {reader.GetInt64(0)} incidents ({reader.GetInt64(1)} drills, {reader.GetInt64(2)} cancelled, " +
                $"{reader.GetInt64(3)} outages/major events), {reader.GetInt64(5)} events; KPI rows table {reader.GetString(4)}");
        }

        var month = $"{year}-06";
        var scenarios = new (string Label, string Path, int Requests)[]
        {
            ("year", $"/api/v1/kpis?period={year}", options.Requests),
            ("year by month", $"/api/v1/kpis?period={year}&by=month", options.Requests),
            ("month by day", $"/api/v1/kpis?period={month}&by=day", options.Requests),
            ("year csv", $"/api/v1/kpis.csv?period={year}", options.Requests),
            ("year by month, drills included", $"/api/v1/kpis?period={year}&by=month&drills=include", options.Requests),
            ("year, one system", $"/api/v1/kpis?period={year}&system={Seeder.Systems[0]}", options.Requests),
            ("year, complete evidence (evidence=all, in memory)", $"/api/v1/kpis?period={year}&evidence=all", options.FullRequests),
        };
        Console.WriteLine($"{"scenario",-52} {"n",5} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"bytes",9}");
        foreach (var (label, path, requests) in scenarios)
        {
            if (requests <= 0)
            {
                continue;
            }

            var warmup = Math.Min(options.Warmup, requests);
            var bytes = 0L;
            for (var i = 0; i < warmup; i++)
            {
                bytes = await GetAsync(client, path);
            }

            var timings = new double[requests];
            for (var i = 0; i < requests; i++)
            {
                var watch = Stopwatch.StartNew();
                await GetAsync(client, path);
                timings[i] = watch.Elapsed.TotalMilliseconds;
            }

            Array.Sort(timings);
            double P(double p) => timings[Math.Max(0, (int)Math.Ceiling(p * timings.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-52} {requests,5} {P(0.5),8:0.0} {P(0.95),8:0.0} {P(0.99),8:0.0} {timings[^1],8:0.0} {bytes,9}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT scenario=\"{label}\" n={requests} p50={P(0.5):0.0} p95={P(0.95):0.0} p99={P(0.99):0.0} max={timings[^1]:0.0} bytes={bytes}"));
        }

        return 0;
    }

    private static async Task<long> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        }

        return body.Length;
    }

    private static async Task<long> CountAsync(string adminConnection, string benchConnection, string database)
    {
        await using var admin = new NpgsqlConnection(adminConnection);
        await admin.OpenAsync();
        if (await new NpgsqlCommand($"select 1 from pg_database where datname = '{database}'", admin).ExecuteScalarAsync() is null)
        {
            return -1;
        }

        try
        {
            await using var db = new NpgsqlConnection(benchConnection);
            await db.OpenAsync();
            return (long)(await new NpgsqlCommand("select count(*) from incidents.mt_doc_incidentkpifacts", db).ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return -1;
        }
    }

    private static string Token() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = AuthSettings.DevelopmentIssuer,
        Audience = AuthSettings.DefaultAudience,
        Subject = new ClaimsIdentity([new Claim("sub", "sup-bench"), new Claim("name", "KPI benchmark"), new Claim("role", "supervisor")]),
        Expires = DateTime.UtcNow.AddHours(6),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });
}

/// <summary>
/// A year of incidents with a realistic mix, appended as whole streams (every event of an incident at once) in batches,
/// through Marten's event store so that the inline projections (details, SLA view, KPI facts) are written as in production.
/// Deterministic (fixed seed). The hash chain and the outbox are not involved: this measures reads.
/// </summary>
internal static class Seeder
{
    public static readonly string[] Systems = Enumerable.Range(1, 24).Select(i => $"system-{i:00}").ToArray();

    private static readonly Actor Desk = new("desk-bench", "Bench desk");

    public static async Task SeedAsync(IDocumentStore store, int incidents, int year)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, zone.BaseUtcOffset).ToUniversalTime();
        var span = new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, zone.BaseUtcOffset).ToUniversalTime() - from;
        var random = new Random(20261201);
        const int batch = 1000;
        for (var start = 0; start < incidents; start += batch)
        {
            await using var session = store.LightweightSession();
            for (var i = start; i < Math.Min(start + batch, incidents); i++)
            {
                // Spread over the year, leaving the last 8 hours for the incident to be worked.
                var reportedAt = from + TimeSpan.FromTicks((long)(random.NextDouble() * (span - TimeSpan.FromHours(8)).Ticks));
                var id = Guid.CreateVersion7(reportedAt);
                session.Events.StartStream(id, Story(random, id, reportedAt).ToArray());
            }

            await session.SaveChangesAsync();
        }
    }

    private static IEnumerable<object> Story(Random random, Guid id, DateTimeOffset at)
    {
        var roll = random.NextDouble();
        var @class = roll switch
        {
            < 0.12 => IncidentClass.Outage,
            < 0.15 => IncidentClass.MajorEvent,
            < 0.30 => IncidentClass.SecurityEvent,
            _ => IncidentClass.Fault,
        };
        var system = Systems[(int)(Math.Pow(random.NextDouble(), 2) * Systems.Length)];
        var drill = random.NextDouble() < 0.01;
        var policy = SlaPolicy.ContractDefault;
        yield return new IncidentReported(id, $"{@class} on {system}", "Seeded by the KPI benchmark", system, @class, IntakeChannel.Phone,
            new Reporter("Bench reporter", null, null), drill, null, policy, Desk, at);
        if (random.NextDouble() < 0.03)
        {
            yield return new IncidentCancelled(id, CancellationReason.FalseAlarm, null, "False alarm", Desk, at + Minutes(random, 1, 10));
            yield break;
        }

        var targets = policy.For(@class);
        var late = random.NextDouble() < 0.04;
        var ackTarget = targets.For(SlaStage.Acknowledge) ?? TimeSpan.FromMinutes(5);
        var ack = late ? ackTarget + Minutes(random, 1, 10) : TimeSpan.FromTicks((long)(random.NextDouble() * 0.95 * ackTarget.Ticks));
        if (late)
        {
            yield return new SlaBreached(id, SlaStage.Acknowledge, ackTarget, at + ackTarget, Actor.System, at + ackTarget);
        }

        yield return new IncidentAcknowledged(id, Desk, at + ack);
        if (random.NextDouble() < 0.01 && @class == IncidentClass.Fault)
        {
            yield return new IncidentReclassified(id, IncidentClass.Fault, IncidentClass.Outage, "Wider than reported", Desk, at + ack);
            @class = IncidentClass.Outage;
        }

        var onSite = random.NextDouble() < 0.6 ? Minutes(random, 10, random.NextDouble() < 0.05 ? 90 : 55) : (TimeSpan?)null;
        var down = @class is IncidentClass.Outage or IncidentClass.MajorEvent;
        var restore = down ? Minutes(random, 10, random.NextDouble() < 0.05 ? 300 : 200) : (TimeSpan?)null;
        foreach (var (when, step) in new (TimeSpan? When, Func<DateTimeOffset, object> Step)[]
                 {
                     (onSite, t => new ResponderArrivedOnSite(id, "eng-bench", Desk, t)),
                     (restore, t => new ServiceRestored(id, "Service back", Desk, t)),
                 }.Where(s => s.When is not null).OrderBy(s => s.When))
        {
            yield return step(at + when!.Value);
        }

        if (random.NextDouble() < 0.03)
        {
            yield break; // left unresolved
        }

        var resolved = at + Max(ack, onSite ?? TimeSpan.Zero, restore ?? TimeSpan.Zero) + Minutes(random, 10, 240);
        yield return new IncidentResolved(id, "Fixed", CauseCategory.Software, Desk, resolved);
        if (random.NextDouble() < 0.9)
        {
            int? rating = random.NextDouble() < 0.85
                ? random.NextDouble() switch { < 0.60 => 5, < 0.85 => 4, < 0.93 => 3, < 0.97 => 2, _ => 1 }
                : null;
            yield return new IncidentClosed(id, rating, null, Desk, resolved + Minutes(random, 5, 120));
        }
    }

    private static TimeSpan Minutes(Random random, int min, int max) => TimeSpan.FromSeconds(random.Next(min * 60, max * 60));

    private static TimeSpan Max(params TimeSpan[] spans) => spans.Max();
}

internal sealed record BenchArgs(int Incidents, int Year, int Requests, int FullRequests, int Warmup, bool Reuse, string Database)
{
    public static BenchArgs Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        int Int(string name, string fallback) => int.Parse(Value(name, fallback), CultureInfo.InvariantCulture);
        return new BenchArgs(Int("--incidents", "100000"), Int("--year", "2025"), Int("--requests", "200"), Int("--full-requests", "5"),
            Int("--warmup", "20"), args.Contains("--reuse"), Value("--database", "incidents_kpibench"));
    }
}
