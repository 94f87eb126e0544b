using System.Diagnostics;
using System.Globalization;
using Incidents.Api.Incidents;
using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Incidents.SlaBench;

internal static class SlaBenchmark
{
    /// <summary>True for the development vhost "/" (an empty path, "/" or "/%2F").</summary>
    private static bool IsDevelopmentVhost(string amqpUri) =>
        Uri.UnescapeDataString(new Uri(amqpUri).AbsolutePath.TrimStart('/')) is "" or "/";

    public static async Task<int> Main(string[] args)
    {
        // Usage: Incidents.SlaBench --incidents 10000 --spread 60 --target 90 --label "10k running clocks"
        //   spread = seconds over which the incidents' deadlines are spread (0: all in the same instant, a storm)
        //   target = acknowledge target in seconds (warnings at 50% and 80%); on-site 1 h and restore 4 h stay out of the way
        var options = Args.Parse(args);
        var adminConnection = Environment.GetEnvironmentVariable("ConnectionStrings__Marten")
            ?? "Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents";
        var rabbit = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? "amqp://guest:guest@127.0.0.1:5672/incidents_sla_bench";
        if (IsDevelopmentVhost(rabbit))
        {
            // Isolation (issue #16): a benchmark never publishes into the development system's vhost "/".
            Console.Error.WriteLine("ConnectionStrings__RabbitMq names the development vhost \"/\"; use a vhost of its own, e.g. amqp://guest:guest@127.0.0.1:5672/incidents_sla_bench (bench/sla.sh creates it with infra/rabbitmq.sh vhost incidents_sla_bench).");
            return 64;
        }

        const string database = "incidents_sla_bench";
        var benchConnection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;

        await using (var admin = new NpgsqlConnection(adminConnection))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
        }

        JasperFxEnvironment.AutoStartHost = true;
        // The API's content root (its appsettings.json): found from the repository root, wherever this runs from.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Incidents.sln")))
        {
            repository = repository.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_INCIDENTS_API",
            Path.Combine(repository?.FullName ?? Directory.GetCurrentDirectory(), "src", "Incidents.Api"));
        var target = TimeSpan.FromSeconds(options.TargetSeconds);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            // No HTTP request is made here; production needs an OpenID Connect authority configured all the same.
            web.UseSetting("Auth:Authority", "https://login.invalid/incidents");
            web.UseSetting("ConnectionStrings:Marten", benchConnection);
            web.UseSetting("ConnectionStrings:RabbitMq", rabbit);
            if (options.Escalation)
            {
                // Every class: level 1 at the report, level 2 when the acknowledge target passes (the breach and the wait
                // coincide, as in the contract's chains), then nothing for an hour.
                var chainClasses = new[] { "outage", "major-event", "fault", "security-event" };
                for (var i = 0; i < chainClasses.Length; i++)
                {
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Class", chainClasses[i]);
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:0:Name", "duty engineer");
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:0:Recipients:0", "duty-engineer");
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:0:Wait", System.Xml.XmlConvert.ToString(target));
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:1:Name", "project manager");
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:1:Recipients:0", "project-manager");
                    web.UseSetting($"Escalation:Policy:Chains:{i}:Levels:1:Wait", "PT1H");
                }
            }
            else
            {
                // The SLA timers alone are measured: no escalation checks compete with them.
                web.UseSetting("Escalation:Policy:None", "true");
            }

            web.UseSetting("Sla:Policy:Name", "bench");
            web.UseSetting("Sla:Policy:Version", "1");
            if (options.NoWarnings)
            {
                web.UseSetting("Sla:Policy:NoWarnings", "true");
            }
            var classes = new[] { "outage", "major-event", "fault", "security-event" };
            for (var i = 0; i < classes.Length; i++)
            {
                web.UseSetting($"Sla:Policy:Targets:{i}:Class", classes[i]);
                web.UseSetting($"Sla:Policy:Targets:{i}:Acknowledge", System.Xml.XmlConvert.ToString(target));
                web.UseSetting($"Sla:Policy:Targets:{i}:OnSite", "PT1H");
                web.UseSetting($"Sla:Policy:Targets:{i}:Restore", "PT4H");
            }

            web.ConfigureLogging(logging => logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning));
        });

        var services = factory.Services;
        var runtime = services.GetRequiredService<IWolverineRuntime>();
        var sessions = services.GetRequiredService<OutboxedSessionFactory>();
        var escalation = services.GetRequiredService<Incidents.Api.Escalation.EscalationPolicyProvider>().Current;
        var policy = services.GetRequiredService<Incidents.Api.Sla.SlaPolicyProvider>().Current;

        // Seed: every incident is reported through the same decider and the same outbox path as the API, with its report time
        // chosen so that its acknowledge deadline falls where the scenario wants it.
        var seedWatch = Stopwatch.StartNew();
        var t0 = DateTimeOffset.UtcNow;
        var actor = new Actor("bench", "SLA benchmark");
        const int batch = 250;
        for (var start = 0; start < options.Incidents; start += batch)
        {
            var context = new MessageContext(runtime);
            await using var session = sessions.OpenSession(context);
            for (var i = start; i < Math.Min(start + batch, options.Incidents); i++)
            {
                var reportedAt = t0 + TimeSpan.FromTicks(options.Incidents == 1 ? 0 : (long)(TimeSpan.FromSeconds(options.SpreadSeconds).Ticks * (i / (double)(options.Incidents - 1))));
                var id = Guid.CreateVersion7();
                var decision = IncidentDecider.Decide(new ReportIncident(id, $"Bench incident {i}", "", $"system-{i % 50}", IncidentClass.Outage,
                    IntakeChannel.Monitoring, new Reporter("bench", null, null), false, null, policy, actor), null, reportedAt);
                await IncidentWriter.Open(session, context, id, decision.Events, reportedAt, escalation);
            }

            await session.SaveChangesAsync();
        }

        seedWatch.Stop();
        var firstDue = t0 + target;
        var lastDue = firstDue + TimeSpan.FromSeconds(options.SpreadSeconds);
        Console.WriteLine($"seeded {options.Incidents} incidents in {seedWatch.Elapsed.TotalSeconds:0.0} s; " +
            $"acknowledge deadlines from +{(firstDue - DateTimeOffset.UtcNow).TotalSeconds:0} s over {options.SpreadSeconds} s");
        if (DateTimeOffset.UtcNow > t0 + target * 0.5)
        {
            Console.WriteLine("WARNING: seeding outlasted the first warnings; raise --target.");
        }

        // Wait until every acknowledge breach is on record (or give up).
        await using var db = new NpgsqlConnection(benchConnection);
        await db.OpenAsync();
        var deadline = lastDue + TimeSpan.FromSeconds(options.TimeoutSeconds);
        long breaches = 0;
        while (DateTimeOffset.UtcNow < deadline)
        {
            breaches = (long)(await new NpgsqlCommand("select count(*) from incidents.mt_events where type = 'sla_breached'", db).ExecuteScalarAsync())!;
            if (breaches >= options.Incidents)
            {
                break;
            }

            await Task.Delay(250);
        }

        long escalated = 0;
        while (options.Escalation && DateTimeOffset.UtcNow < deadline)
        {
            escalated = (long)(await new NpgsqlCommand(
                "select count(*) from incidents.mt_events where type = 'escalation_level_raised' and (data ->> 'level')::int = 2", db).ExecuteScalarAsync())!;
            if (escalated >= options.Incidents)
            {
                break;
            }

            await Task.Delay(250);
        }

        var report = await Lateness(db, "sla_breached");
        var warnings = await Lateness(db, "sla_warning_raised");
        var drain = (long)0;
        await using (var command = new NpgsqlCommand(
            "select extract(epoch from max(timestamp) - min((data ->> 'at')::timestamptz)) from incidents.mt_events where type = 'sla_breached'", db))
        {
            drain = (long)Math.Round(Convert.ToDouble(await command.ExecuteScalarAsync() ?? 0d, CultureInfo.InvariantCulture) * 1000);
        }

        Console.WriteLine($"scenario: {options.Label}");
        Console.WriteLine($"incidents: {options.Incidents}, deadlines spread over {options.SpreadSeconds} s, acknowledge target {options.TargetSeconds} s");
        Console.WriteLine($"breaches recorded: {breaches} of {options.Incidents}");
        Console.WriteLine($"breach lateness (recorded - due): p50 {report.P50} ms, p99 {report.P99} ms, max {report.Max} ms");
        Console.WriteLine($"warning lateness (recorded - threshold): p50 {warnings.P50} ms, p99 {warnings.P99} ms, max {warnings.Max} ms ({warnings.Count} warnings)");
        Console.WriteLine($"first due -> last breach recorded: {drain} ms");
        if (options.Escalation)
        {
            var levels = await Lateness(db, "escalation_level_raised", "and (data ->> 'level')::int = 2");
            await using var command = new NpgsqlCommand(
                "select extract(epoch from max(timestamp) - min((data ->> 'at')::timestamptz)) from incidents.mt_events " +
                "where type = 'escalation_level_raised' and (data ->> 'level')::int = 2", db);
            var escalationDrain = (long)Math.Round(Convert.ToDouble(await command.ExecuteScalarAsync() ?? 0d, CultureInfo.InvariantCulture) * 1000);
            Console.WriteLine($"escalations to level 2 recorded: {escalated} of {options.Incidents}; lateness p50 {levels.P50} ms, p99 {levels.P99} ms, " +
                $"max {levels.Max} ms; first due -> last recorded: {escalationDrain} ms");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT label=\"{options.Label}\" incidents={options.Incidents} spread={options.SpreadSeconds} recorded={breaches} p50={report.P50} p99={report.P99} max={report.Max} drain_ms={drain} warn_p99={warnings.P99}"));
        return breaches >= options.Incidents ? 0 : 2;
    }

    private static async Task<(long P50, long P99, long Max, long Count)> Lateness(NpgsqlConnection db, string type, string also = "")
    {
        await using var command = new NpgsqlCommand($"""
            select coalesce(percentile_cont(0.5) within group (order by l), 0),
                   coalesce(percentile_cont(0.99) within group (order by l), 0),
                   coalesce(max(l), 0), count(*)
            from (select extract(epoch from timestamp - (data ->> 'at')::timestamptz) * 1000 as l
                  from incidents.mt_events where type = '{type}' {also}) lateness
            """, db);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((long)reader.GetDouble(0), (long)reader.GetDouble(1), (long)Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetInt64(3));
    }
}

internal sealed record Args(int Incidents, int SpreadSeconds, int TargetSeconds, int TimeoutSeconds, string Label, bool NoWarnings,
    bool Escalation)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        return new Args(int.Parse(Value("--incidents", "10000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--spread", "60"), CultureInfo.InvariantCulture),
            int.Parse(Value("--target", "90"), CultureInfo.InvariantCulture),
            int.Parse(Value("--timeout", "120"), CultureInfo.InvariantCulture),
            Value("--label", "sla"),
            args.Contains("--no-warnings"),
            args.Contains("--escalation"));
    }
}
