using System.Diagnostics;
using System.Globalization;

namespace Incidents.Bench;

/// <summary>
/// Prints a phase. Latencies are rounded up (to 0.01 ms), rates down (to 0.1 /s): never in our favour.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond) => (Math.Floor(perSecond * 10) / 10).ToString("F1", Inv);

    private static string F(double ms) => ms.ToString("F2", Inv);

    public static void PrintMain(Options options, Phase phase, OpenLoopStats? open, TimeSpan generatorCpu)
    {
        var window = phase.Window!;
        var rps = phase.CompletedInWindow / (double)window.Seconds;
        var lifecycle = options.Scenario == Scenario.Lifecycle;
        var measuredBy = open is null
            ? $"completed in the {window.Seconds} s window"
            : $"scheduled in the {window.Seconds} s window, answered whenever";
        Console.WriteLine();
        var steps = Ordered(phase).ToList();
        var all = Summary.Merge(steps.Select(s => s.Summary));
        var errors = phase.MeasuredErrors + (open?.Dropped ?? 0);
        if (lifecycle)
        {
            var ips = phase.IncidentsInWindow / (double)window.Seconds;
            Console.WriteLine(string.Create(Inv, $"  incidents    {phase.IncidentsInWindow,10}   closed in the window -> {Rate(ips)} incidents/s ({phase.Abandoned} abandoned after a failed step)"));
            Console.WriteLine(string.Create(Inv, $"  requests     {phase.CompletedInWindow,10}   answered as expected in the window -> {Rate(rps)} requests/s"));
            Console.WriteLine(string.Create(Inv, $"  latency ms per step ({measuredBy}; 'events' = mean stream version before the step, from the ETag):"));
            PrintSteps(steps.Append(("all steps", all)));
        }
        else
        {
            var s = steps.FirstOrDefault().Summary ?? Summary.Merge([]);
            Console.WriteLine(string.Create(Inv, $"  requests     {s.N,10}   (201 Created, {measuredBy})"));
            Console.WriteLine(string.Create(Inv, $"  throughput   {Rate(rps),10}   req/s (201s completed inside the window / {window.Seconds} s)"));
            Console.WriteLine(string.Create(Inv, $"  latency ms   p50 {F(s.P(0.50))}   p95 {F(s.P(0.95))}   p99 {F(s.P(0.99))}   max {F(s.Max)}   mean {F(s.Mean)}"));
        }

        Console.WriteLine(string.Create(Inv, $"  errors       {errors,10}   (unexpected status or exception{(open is null ? "" : ", plus dropped")}; {phase.Errors.Unmeasured} more not measured, e.g. warm-up)"));
        Console.WriteLine("  per second   " + string.Join(' ', phase.PerSecond) + "   (requests answered as expected, each second of the window)");
        Console.WriteLine(string.Create(Inv,
            $"  generator    {generatorCpu.TotalSeconds / window.Seconds * 100,10:F0}   % of one core (its own CPU time in the window)"));
        if (open is not null)
        {
            var service = phase.Service.Summarize();
            var first = steps.FirstOrDefault().Summary ?? Summary.Merge([]);
            Console.WriteLine(string.Create(Inv,
                $"  schedule     {open.Scheduled} {(lifecycle ? "incidents" : "requests")} due in the window, {open.Started} started; {open.Late} started > {Drivers.LateTicks * 1000 / Stopwatch.Frequency} ms late (max {F(Summary.Ms(open.MaxBehindTicks))} ms behind); {open.Dropped} dropped ({options.MaxInFlight} in flight); at most {open.MaxInFlight} in flight"));
            Console.WriteLine(string.Create(Inv,
                $"  {(lifecycle ? "report" : "request")} latency from the scheduled start p50 {F(first.P(0.5))} p99 {F(first.P(0.99))} max {F(first.Max)}  vs from the actual send p50 {F(service.P(0.5))} p99 {F(service.P(0.99))} max {F(service.Max)}"));
            Console.WriteLine("  NOTE open loop: latency counts from each job's scheduled start, so queueing (in the server, for a connection, in the generator)");
            Console.WriteLine("       is included; 'late' and 'dropped' are requests the generator could not start on time - a result with either is suspect.");
        }
        else
        {
            Console.WriteLine("  NOTE closed loop: each client waits for its answer before sending again, so a server stall also stops the load;");
            Console.WriteLine("       it shows up as one slow request per client, not as the queue real callers would build. These figures hide");
            Console.WriteLine("       stalls; use --rate R (open loop, latency from the scheduled start) for what callers at a fixed rate would see.");
        }

        foreach (var (kind, count) in phase.Errors.ByKind.OrderByDescending(k => k.Value))
        {
            Console.WriteLine(string.Create(Inv, $"  error {kind}: {count}"));
        }

        foreach (var message in phase.Errors.First)
        {
            Console.WriteLine("  first errors: " + message);
        }

        var head = open is null
            ? string.Create(Inv, $"mode=closed clients={options.Clients}")
            : string.Create(Inv, $"mode=open rate={options.Rate} scheduled={open.Scheduled} late={open.Late} dropped={open.Dropped} behind_max={F(Summary.Ms(open.MaxBehindTicks))} inflight_max={open.MaxInFlight}");
        if (lifecycle)
        {
            foreach (var (name, s) in steps)
            {
                Step("short", name, s);
            }

            var worst = steps.OrderByDescending(s => s.Summary.P(0.99)).FirstOrDefault();
            Console.WriteLine(string.Create(Inv,
                $"RESULT scenario=lifecycle {head} incidents_per_s={Rate(phase.IncidentsInWindow / (double)window.Seconds)} rps={Rate(rps)} p50={F(all.P(0.5))} p95={F(all.P(0.95))} p99={F(all.P(0.99))} max={F(all.Max)} worst_step={worst.Step ?? "-"} worst_p99={F(worst.Summary?.P(0.99) ?? 0)} errors={errors} requests={phase.CompletedInWindow} duration={window.Seconds} gencpu={generatorCpu.TotalSeconds / window.Seconds * 100:F0} commit={BuildInfo.Commit}"));
        }
        else
        {
            var s = steps.FirstOrDefault().Summary ?? Summary.Merge([]);
            Console.WriteLine(string.Create(Inv,
                $"RESULT scenario=report {head} rps={Rate(rps)} p50={F(s.P(0.5))} p95={F(s.P(0.95))} p99={F(s.P(0.99))} max={F(s.Max)} errors={errors} requests={s.N} duration={window.Seconds} gencpu={generatorCpu.TotalSeconds / window.Seconds * 100:F0} commit={BuildInfo.Commit}"));
        }
    }

    public static void PrintLong(Options options, Phase shortPhase, Phase longPhase, TimeSpan elapsed)
    {
        var shortSteps = Ordered(shortPhase).ToDictionary(s => s.Step, s => s.Summary);
        var longSteps = Ordered(longPhase).ToList();
        var requests = longPhase.MeasuredRequests;
        Console.WriteLine(string.Create(Inv,
            $"  {longPhase.Incidents} incidents ({longPhase.Abandoned} abandoned), {requests} requests in {elapsed.TotalSeconds:F1} s -> {Rate(requests / elapsed.TotalSeconds)} requests/s, {Rate(longPhase.Incidents / elapsed.TotalSeconds)} incidents/s (with the comments)"));
        Console.WriteLine("  step latency by stream length (ms; n = requests; events = mean stream version before the step):");
        Console.WriteLine("    step           short streams: n      p50      p99  events  |  long streams: n      p50      p99  events  |  p99 long/short");
        foreach (var (name, l) in longSteps.Where(s => !s.Step.StartsWith("comment@", StringComparison.Ordinal) && s.Step != "report"))
        {
            var s = shortSteps.GetValueOrDefault(name) ?? Summary.Merge([]);
            var ratio = s.P(0.99) > 0 ? (l.P(0.99) / s.P(0.99)).ToString("F2", Inv) : "-";
            Console.WriteLine(string.Create(Inv,
                $"    {name,-12} {s.N,17} {F(s.P(0.5)),8} {F(s.P(0.99)),8} {s.MeanVersionBefore,7:F0}  | {l.N,16} {F(l.P(0.5)),8} {F(l.P(0.99)),8} {l.MeanVersionBefore,7:F0}  | {ratio,8}"));
        }

        var stepsOnly = longSteps.Where(s => !s.Step.StartsWith("comment@", StringComparison.Ordinal) && s.Step != "report").ToList();
        var longAll = Summary.Merge(stepsOnly.Select(s => s.Summary));
        var shortAll = Summary.Merge(shortSteps.Where(kv => kv.Key != "report").Select(kv => kv.Value));
        Console.WriteLine(string.Create(Inv,
            $"    {"7 steps",-12} {shortAll.N,17} {F(shortAll.P(0.5)),8} {F(shortAll.P(0.99)),8} {shortAll.MeanVersionBefore,7:F0}  | {longAll.N,16} {F(longAll.P(0.5)),8} {F(longAll.P(0.99)),8} {longAll.MeanVersionBefore,7:F0}  |"));
        Console.WriteLine("  comments while the streams grew (by stream version before the comment):");
        foreach (var (name, c) in longSteps.Where(s => s.Step.StartsWith("comment@", StringComparison.Ordinal)).OrderBy(s => s.Step, StringComparer.Ordinal))
        {
            var from = int.Parse(name["comment@".Length..], Inv);
            Console.WriteLine(string.Create(Inv,
                $"    {from,3}-{from + Lifecycle.CommentBucket - 1,-3} events  n {c.N,6}   p50 {F(c.P(0.5)),7}   p99 {F(c.P(0.99)),7}   max {F(c.Max),8}"));
        }

        foreach (var (kind, count) in longPhase.Errors.ByKind.OrderByDescending(k => k.Value))
        {
            Console.WriteLine(string.Create(Inv, $"  error {kind}: {count}"));
        }

        foreach (var message in longPhase.Errors.First)
        {
            Console.WriteLine("  first errors: " + message);
        }

        if (stepsOnly.Any(s => s.Summary.N < 100))
        {
            Console.WriteLine(string.Create(Inv,
                $"  NOTE {longPhase.Incidents} incidents give {longPhase.Incidents} samples per step: p99 is then about the maximum (raise --long-incidents)."));
        }

        foreach (var (name, s) in longSteps)
        {
            Step("long", name, s);
        }

        var worst = stepsOnly.OrderByDescending(s => s.Summary.P(0.99)).FirstOrDefault();
        Console.WriteLine(string.Create(Inv,
            $"RESULT_LONG incidents={longPhase.Incidents} grow={options.Grow} p50={F(longAll.P(0.5))} p99={F(longAll.P(0.99))} worst_step={worst.Step ?? "-"} worst_p99={F(worst.Summary?.P(0.99) ?? 0)} events={longAll.MeanVersionBefore:F0} errors={longPhase.MeasuredErrors} rps={Rate(requests / elapsed.TotalSeconds)}"));
    }

    private static void PrintSteps(IEnumerable<(string Step, Summary Summary)> steps)
    {
        Console.WriteLine("    step              n  errors      p50      p95      p99      max   events");
        foreach (var (name, s) in steps)
        {
            Console.WriteLine(string.Create(Inv,
                $"    {name,-12} {s.N,6} {s.Errors,7} {F(s.P(0.5)),8} {F(s.P(0.95)),8} {F(s.P(0.99)),8} {F(s.Max),8} {s.MeanVersionBefore,8:F1}"));
        }
    }

    private static void Step(string phase, string name, Summary s) =>
        Console.WriteLine(string.Create(Inv,
            $"STEP phase={phase} step={name} n={s.N} errors={s.Errors} p50={F(s.P(0.5))} p95={F(s.P(0.95))} p99={F(s.P(0.99))} max={F(s.Max)} events={s.MeanVersionBefore:F1}"));

    /// <summary>The phase's steps in lifecycle order, comments (by stream length) after them.</summary>
    private static IEnumerable<(string Step, Summary Summary)> Ordered(Phase phase) =>
        phase.Steps
            .OrderBy(s => Array.IndexOf(Lifecycle.StepNames, s.Step) is var i && i >= 0 ? i : 100)
            .ThenBy(s => s.Step, StringComparer.Ordinal)
            .Select(s => (s.Step, s.Stats.Summarize()));
}
