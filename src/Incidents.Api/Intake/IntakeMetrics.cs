using System.Diagnostics.Metrics;
using Incidents.Api.Telemetry;

namespace Incidents.Api.Intake;

/// <summary>
/// How the intake writes (docs/operations.md, docs/intake.md): transactions (batches) and how many alerts each carried, and
/// batches decided again after another writer won (optimistic concurrency). In the API's meter, one per process like
/// <see cref="IncidentsMetrics"/>.
/// </summary>
public static class IntakeMetrics
{
    private static readonly Meter Meter = new(IncidentsMetrics.MeterName);

    private static readonly Histogram<int> BatchAlerts = Meter.CreateHistogram("incidents.intake.batch.alerts", "{alert}",
        "Alerts written in one intake transaction (one per integration's batch)",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });

    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("incidents.intake.conflicts", "{batch}",
        "Intake batches decided again because another writer changed the intake state, a key or an incident first");

    public static void BatchWritten(int alerts) => BatchAlerts.Record(alerts);

    public static void Conflict() => Conflicts.Add(1);
}
