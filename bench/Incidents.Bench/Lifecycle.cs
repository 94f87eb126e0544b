using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Incidents.Bench;

/// <summary>
/// The requests of one incident, as the README walkthrough makes them: the desk (hotline token) reports, assigns,
/// dispatches and closes; the engineer (responder token, assigned by the desk) acknowledges, arrives, restores and
/// resolves. Optional comments (desk) between report and acknowledge grow the stream first.
/// </summary>
internal sealed class Lifecycle
{
    /// <summary>A lifecycle step: name, path under the incident, body, engineer (true) or desk.</summary>
    internal sealed record Step(string Name, Func<Guid, Uri> Uri, byte[]? Body, bool AsEngineer, int Expected);

    public static readonly string[] StepNames =
        ["report", "acknowledge", "assign", "dispatch", "arrive", "restore", "resolve", "close"];

    public const int CommentBucket = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly byte[][] _reports = Bodies.Reports(512);
    private readonly byte[][] _comments = Bodies.Comments(64);

    /// <summary>The steps after the report, in order.</summary>
    private static Step[] After(Api target)
    {
        var rid = target.Responder.Id;
        return
        [
            new("acknowledge", id => target.Incident(id, "acknowledge"), null, true, 200),
            new("assign", id => target.Incident(id, "responders"),
                JsonSerializer.SerializeToUtf8Bytes(new { responderId = rid, name = target.Responder.Name, team = target.Responder.Team }, Json), false, 200),
            new("dispatch", id => target.Incident(id, $"responders/{rid}/dispatch"),
                JsonSerializer.SerializeToUtf8Bytes(new { note = "Taxi to the data centre" }, Json), false, 200),
            new("arrive", id => target.Incident(id, $"responders/{rid}/arrival"), null, true, 200),
            new("restore", id => target.Incident(id, "restore"),
                JsonSerializer.SerializeToUtf8Bytes(new { summary = "Failed over to the standby system" }, Json), true, 200),
            new("resolve", id => target.Incident(id, "resolve"),
                JsonSerializer.SerializeToUtf8Bytes(new { summary = "Disk controller replaced", cause = "hardware" }, Json), true, 200),
            new("close", id => target.Incident(id, "close"), JsonSerializer.SerializeToUtf8Bytes(new { satisfaction = 5 }, Json), false, 200),
        ];
    }

    private readonly Api _api;
    private readonly Step[] _after;

    public Lifecycle(Api api)
    {
        _api = api;
        _after = After(api);
    }

    /// <summary>One report (the report scenario's job). <paramref name="start"/>: scheduled (open loop) or now.</summary>
    public async Task<bool> Report(Phase phase, int n, long start, bool? measured)
    {
        var sent = Stopwatch.GetTimestamp();
        var outcome = await _api.Post(_api.Incidents, _reports[n % _reports.Length], false, 201);
        var end = Stopwatch.GetTimestamp();
        phase.Record("report", start, end, outcome, measured, 0);
        if (measured is { } m && m && outcome.Ok)
        {
            phase.Service.Add(end - sent, 0);
        }

        return outcome.Ok;
    }

    /// <summary>
    /// One incident from report to close: each step sent when the previous one is answered; the report's latency runs
    /// from <paramref name="start"/> (the scheduled start in an open loop), the others' from their own send. Stops at the
    /// first failed step (the rest would only fail too).
    /// </summary>
    public async Task<bool> Run(Phase phase, int n, long start, bool? measured, int grow)
    {
        var sent = Stopwatch.GetTimestamp();
        var outcome = await _api.Post(_api.Incidents, _reports[n % _reports.Length], false, 201);
        var end = Stopwatch.GetTimestamp();
        phase.Record("report", start, end, outcome, measured, 0);
        if (!outcome.Ok || outcome.Id == Guid.Empty)
        {
            phase.IncidentAbandoned();
            return false;
        }

        if (measured is { } m && m)
        {
            phase.Service.Add(end - sent, 0);
        }

        var id = outcome.Id;
        var version = outcome.Version;
        var comments = _api.Incident(id, "comments");
        for (var c = 0; c < grow; c++)
        {
            var before = version;
            start = Stopwatch.GetTimestamp();
            outcome = await _api.Post(comments, _comments[(n + c) % _comments.Length], false, 200);
            end = Stopwatch.GetTimestamp();
            var bucket = before / CommentBucket * CommentBucket;
            phase.Record(string.Create(CultureInfo.InvariantCulture, $"comment@{bucket:000}"), start, end, outcome, measured, before);
            if (!outcome.Ok)
            {
                phase.IncidentAbandoned();
                return false;
            }

            version = outcome.Version;
        }

        foreach (var step in _after)
        {
            var before = version;
            start = Stopwatch.GetTimestamp();
            outcome = await _api.Post(step.Uri(id), step.Body, step.AsEngineer, step.Expected);
            end = Stopwatch.GetTimestamp();
            phase.Record(step.Name, start, end, outcome, measured, before);
            if (!outcome.Ok)
            {
                phase.IncidentAbandoned();
                return false;
            }

            version = outcome.Version;
        }

        phase.IncidentDone(end, measured);
        return true;
    }
}

/// <summary>Realistic request bodies, serialised once up front so the generator spends its CPU on HTTP only.</summary>
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

    public static byte[][] Reports(int count)
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

    public static byte[][] Comments(int count)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return Enumerable.Range(0, count)
            .Select(i => JsonSerializer.SerializeToUtf8Bytes(new
            {
                text = string.Create(CultureInfo.InvariantCulture,
                    $"Call {i + 1} with the reporter: {Symptoms[i % Symptoms.Length]}; engineer informed, next update in {5 + (i % 6) * 5} minutes."),
            }, options))
            .ToArray();
    }
}
