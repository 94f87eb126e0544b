using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using Marten;
using Marten.Services;

namespace Incidents.Api.Telemetry;

/// <summary>
/// Counts the domain metrics from what a session committed, whoever appended it (the write path, the report path, the
/// SLA handler, the drills): one place that sees every stored fact, without the write path knowing about metrics.
/// After commit only, so a transaction that lost a concurrency race or rolled back counts nothing.
/// </summary>
public sealed class DomainMetricsListener(ILogger<DomainMetricsListener> log) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        try
        {
            foreach (var e in commit.GetEvents())
            {
                Count(e.Data);
            }
        }
        catch (Exception problem)
        {
            // The events are stored already: a metrics failure must not turn a committed step into an error answer.
            log.LogWarning(problem, "Counting the committed events for the domain metrics failed");
        }

        return Task.CompletedTask;
    }

    private static void Count(object data)
    {
        switch (data)
        {
            case IncidentReported reported:
                IncidentsMetrics.Reported(reported.Class, reported.Channel, reported.IsDrill);
                break;
            case SlaWarningRaised warning:
                IncidentsMetrics.SlaWarned(warning.Stage, warning.Threshold);
                break;
            case SlaBreached breach:
                IncidentsMetrics.SlaBreached(breach.Stage);
                break;
            case EscalationLevelRaised level:
                IncidentsMetrics.EscalationRaised(level.Level, level.Reason);
                break;
        }
    }
}
