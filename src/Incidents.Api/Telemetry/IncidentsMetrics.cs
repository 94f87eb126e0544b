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
public sealed class IncidentsMetrics
{
    public const string MeterName = "Incidents";

    /// <summary>Lateness buckets in seconds: a healthy check runs within a poll interval, a stalled node shows minutes.</summary>
    private static readonly double[] LatenessBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly Counter<long> _reported;
    private readonly Counter<long> _slaWarnings;
    private readonly Counter<long> _slaBreaches;
    private readonly Counter<long> _escalationLevels;
    private readonly Histogram<double> _checkLateness;

    public IncidentsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reported = meter.CreateCounter<long>("incidents.reported", "{incident}", "Incidents reported, drills included (tag drill)");
        _slaWarnings = meter.CreateCounter<long>("incidents.sla.warnings", "{warning}", "SLA warnings raised: a running stage passed a warning threshold");
        _slaBreaches = meter.CreateCounter<long>("incidents.sla.breaches", "{breach}", "SLA stages not stopped by their due time");
        _escalationLevels = meter.CreateCounter<long>("incidents.escalation.levels_raised", "{level}", "Escalation levels raised (people paged)");
        _checkLateness = meter.CreateHistogram("incidents.sla.check.lateness", "s",
            "Seconds between the instant an SLA/escalation check was due and the instant it ran",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatenessBuckets });
    }

    public void Reported(IncidentClass incidentClass, IntakeChannel channel, bool isDrill) =>
        _reported.Add(1, new TagList { { "class", Spelled(incidentClass) }, { "channel", Spelled(channel) }, { "drill", isDrill } });

    // The SLA and escalation notices carry no class (the stream's report does); they are tagged with what they carry.
    public void SlaWarned(SlaStage stage, double threshold) =>
        _slaWarnings.Add(1, new TagList { { "stage", Spelled(stage) }, { "threshold", threshold } });

    public void SlaBreached(SlaStage stage) => _slaBreaches.Add(1, new TagList { { "stage", Spelled(stage) } });

    public void EscalationRaised(int level, EscalationReason reason) =>
        _escalationLevels.Add(1, new TagList { { "level", level }, { "reason", Spelled(reason) } });

    /// <summary>
    /// Records how late a scheduled SLA/escalation check ran (now minus the instant it was due). A check that ran early
    /// (a safety re-check, a clock that moved) counts as on time, so the histogram only ever shows delay.
    /// </summary>
    public void CheckRan(TimeSpan lateness) => _checkLateness.Record(Math.Max(0, lateness.TotalSeconds));

    private static string Spelled<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
