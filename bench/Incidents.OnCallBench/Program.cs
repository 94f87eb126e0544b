using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Incidents.Domain;
using Incidents.Domain.Calendar;
using Incidents.Domain.Duty.OnCall;
using Incidents.Domain.Duty.Rosters;

// Who is on duty for 50 rosters at 1,000 instants (bench/oncall.sh). Per answer = one roster at one instant:
//   prepared: OnDuty built once per roster, then At(instant) (what escalation does for each level);
//   cold:     OnDuty.For(roster) + At(instant) (what GET /on-call does per roster and request);
//   as-of:    OnDuty.For(roster, knownAt) + At(instant) (the as-of answer).
// And per instant, all 50 rosters cold (one GET /on-call without a role).
var rosters = int.Parse(Arg("--rosters", "50"), CultureInfo.InvariantCulture);
var instants = int.Parse(Arg("--instants", "1000"), CultureInfo.InvariantCulture);
var commit = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BuildCommit")?.Value ?? "unknown";
var calendar = WorkingDayCalendar.Official;
var random = new Random(11);
var year = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
var people = Enumerable.Range(1, 200).Select(i => $"eng-{i:D3}").ToList();
var set = Build(rosters).ToList();
var at = Enumerable.Range(0, instants).Select(_ => year + TimeSpan.FromSeconds(random.NextDouble() * 365 * 86400)).ToList();

Console.WriteLine($"== on-call bench: {rosters} rosters x {instants} instants, commit {commit}, {Environment.ProcessorCount} cores");
// Warm-up (JIT, tiered compilation).
foreach (var r in set.Take(10))
{
    var d = OnDuty.For(r, calendar);
    foreach (var t in at.Take(200)) { d.At(t); }
}

var prepared = new List<double>(rosters * instants);
var cold = new List<double>(rosters * instants);
var asOf = new List<double>(rosters * instants);
var perInstant = new List<double>(instants);
var duties = set.Select(r => OnDuty.For(r, calendar)).ToList();
var nobody = 0;
var clock = Stopwatch.StartNew();
foreach (var t in at)
{
    foreach (var d in duties)
    {
        var start = Stopwatch.GetTimestamp();
        nobody += d.At(t).IsGap ? 1 : 0;
        prepared.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    var all = Stopwatch.GetTimestamp();
    foreach (var r in set)
    {
        var start = Stopwatch.GetTimestamp();
        OnDuty.For(r, calendar).At(t);
        cold.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    perInstant.Add(Stopwatch.GetElapsedTime(all).TotalMilliseconds);
    foreach (var r in set)
    {
        var start = Stopwatch.GetTimestamp();
        OnDuty.For(r, calendar, t).At(t);
        asOf.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

Report("prepared (per answer)", prepared);
Report("cold (per answer)", cold);
Report("as-of (per answer)", asOf);
Report("all rosters (per instant)", perInstant);
Console.WriteLine($"answers {prepared.Count}, nobody on duty {nobody}, wall {clock.Elapsed.TotalSeconds:0.0} s");
var p95 = Percentile(cold, 0.95);
Console.WriteLine($"RESULT commit={commit} rosters={rosters} instants={instants} cold_p95_ms={p95.ToString("0.0000", CultureInfo.InvariantCulture)} " +
    $"target_p95_ms=5 {(p95 < 5 ? "PASS" : "FAIL")}");

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

static void Report(string name, List<double> values) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{name,-28} p50 {Percentile(values, 0.50):0.0000} ms  p95 {Percentile(values, 0.95):0.0000} ms  p99 {Percentile(values, 0.99):0.0000} ms  max {values.Max():0.000} ms"));

IEnumerable<Roster> Build(int count)
{
    var by = new Actor("bench", "Bench");
    for (var i = 0; i < count; i++)
    {
        var id = Guid.NewGuid();
        var created = year.AddDays(-30);
        var members = people.OrderBy(_ => random.Next()).Take(3 + i % 6).ToList();
        RosterLayer[] Layers(int shift) =>
        [
            new("engineers", 0, i % 3 == 0 ? RotationKind.Weekly : RotationKind.Daily, null, new TimeOnly(9, 0), members.Skip(shift).Concat(members.Take(shift)).ToList(),
                LayerDays.Every, new DateOnly(2025, 12, 1)),
            new("weekend", 5, RotationKind.Custom, TimeSpan.FromHours(12), new TimeOnly(8, 0), members.Take(2).ToList(), LayerDays.NonWorkingDays,
                new DateOnly(2025, 12, 1)),
            new("holiday", 10, RotationKind.Daily, null, new TimeOnly(9, 0), members.Skip(1).Take(2).ToList(), LayerDays.Holidays,
                new DateOnly(2025, 12, 1)),
        ];
        var events = new List<object>
        {
            new RosterCreated(id, $"roster {i}", "duty-engineer", "Asia/Shanghai", true, by, created),
            new RosterScheduleChanged(id, created, Layers(0), null, by, created),
        };
        for (var c = 1; c <= 3; c++)
        {
            var when = year.AddDays(c * 90);
            events.Add(new RosterScheduleChanged(id, when, Layers(c), null, by, when.AddDays(-7)));
        }

        for (var o = 0; o < 20; o++)
        {
            var from = year + TimeSpan.FromHours(random.Next(0, 365 * 24));
            events.Add(new RosterOverrideAdded(id, Guid.NewGuid(), people[random.Next(people.Count)], from, from.AddHours(random.Next(2, 48)), null,
                null, by, from.AddDays(-1)));
        }

        yield return Roster.From(events)!;
    }
}
