using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Api.Telemetry;

/// <summary>
/// The API's domain metrics, in the meter <see cref="MeterName"/>: what was reported, which SLA stages warned and
/// breached, which escalation levels were raised, and how late the scheduled clock checks ran. docs/operations.md lists
/// every instrument with its unit and tags. Tag values are spelled as the API's JSON spells them (<c>major-event</c>).
/// </summary>
/// <remarks>
/// One meter per process, as Npgsql has, rather than one per host from <c>IMeterFactory</c>: the OpenTelemetry SDK merges
/// same-named instruments of same-named meters into one stream and stops exporting it when any of them is disposed,
/// which a second host in the process (the tests start several) does when it stops. Static also lets a handler record a
/// measurement without a new parameter, so its generated Wolverine code stays as it is.
/// </remarks>
public static class IncidentsMetrics
{
    public const string MeterName = "Incidents";

    /// <summary>Lateness buckets in seconds: a healthy check runs within a poll interval, a stalled node shows minutes.</summary>
    private static readonly double[] LatenessBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> ReportedCount =
        Meter.CreateCounter<long>("incidents.reported", "{incident}", "Incidents reported, drills included (tag drill)");

    private static readonly Counter<long> SlaWarnings = Meter.CreateCounter<long>("incidents.sla.warnings", "{warning}",
        "SLA warnings raised: a running stage passed a warning threshold");

    private static readonly Counter<long> SlaBreaches =
        Meter.CreateCounter<long>("incidents.sla.breaches", "{breach}", "SLA stages not stopped by their due time");

    private static readonly Counter<long> EscalationLevels =
        Meter.CreateCounter<long>("incidents.escalation.levels_raised", "{level}", "Escalation levels raised (people paged)");

    private static readonly Histogram<double> CheckLateness = Meter.CreateHistogram("incidents.sla.check.lateness", "s",
        "Seconds between the instant an SLA/escalation check was due and the instant it ran",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatenessBuckets });

    public static void Reported(IncidentClass incidentClass, IntakeChannel channel, bool isDrill) =>
        ReportedCount.Add(1, new TagList { { "class", Spelled(incidentClass) }, { "channel", Spelled(channel) }, { "drill", isDrill } });

    // The SLA and escalation notices carry no class (the stream's report does); they are tagged with what they carry.
    public static void SlaWarned(SlaStage stage, double threshold) =>
        SlaWarnings.Add(1, new TagList { { "stage", Spelled(stage) }, { "threshold", threshold } });

    public static void SlaBreached(SlaStage stage) => SlaBreaches.Add(1, new TagList { { "stage", Spelled(stage) } });

    public static void EscalationRaised(int level, EscalationReason reason) =>
        EscalationLevels.Add(1, new TagList { { "level", level }, { "reason", Spelled(reason) } });

    /// <summary>
    /// Records how late a scheduled SLA/escalation check ran (now minus the instant it was due). A check that ran early
    /// (a safety re-check, a clock that moved) counts as on time, so the histogram only ever shows delay.
    /// </summary>
    public static void CheckRan(TimeSpan lateness) => CheckLateness.Record(Math.Max(0, lateness.TotalSeconds));

    private static string Spelled<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
