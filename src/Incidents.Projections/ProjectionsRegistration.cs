using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Projections.Drills;
using Incidents.Domain.Sla;
using Incidents.Projections.Incidents;
using JasperFx.Events.Projections;
using Marten;

namespace Incidents.Projections;

public static class ProjectionsRegistration
{
    /// <summary>Registers the incident event types and the inline documents (the incident's one document, its KPI facts).</summary>
    /// <param name="kpiZone">The service's time zone the KPIs count days in (default Asia/Shanghai).</param>
    public static StoreOptions AddIncidentProjections(this StoreOptions options, TimeZoneInfo? kpiZone = null)
    {
        options.Events.AddEventTypes([.. IncidentDetailsProjection.LifecycleEvents, typeof(SlaWarningRaised), typeof(SlaBreached)]);
        options.Events.AddEventTypes(global::Incidents.Domain.Notifications.NotificationEventTypes.All);
        options.Events.AddEventType<global::Incidents.Domain.Escalation.EscalationLevelRaised>();

        options.Projections.Add(new IncidentDetailsProjection(), ProjectionLifecycle.Inline);
        Kpis.IncidentKpiFactsProjection.Configure(options,
            kpiZone ?? TimeZoneInfo.FindSystemTimeZoneById(global::Incidents.Domain.Kpis.KpiPeriod.DefaultTimeZone));

        options.Schema.For<IncidentDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Class)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.ReportedAt);
        options.Policies.ForAllDocuments(mapping =>
        {
            if (mapping.DocumentType != typeof(IncidentDetails))
            {
                return;
            }

            // Every step rewrites this row, and each index is written again with it: no index on the two flags (a
            // boolean selects half the table or is read with another filter), and the board's index holds only the
            // incidents on the board.
            foreach (var member in new[] { nameof(IncidentDetails.IsDrill), nameof(IncidentDetails.HasOpenStage), nameof(IncidentDetails.NextDueAt) })
            {
                var column = mapping.DuplicateField(member).ColumnName;
                foreach (var index in mapping.Indexes.Where(i => i.Columns is [var only] && only == column).ToList())
                {
                    mapping.Indexes.Remove(index);
                }
            }

            mapping.Indexes.Add(new Weasel.Postgresql.Tables.IndexDefinition("mt_doc_incidentdetails_idx_board")
            {
                Columns = ["next_due_at", "id"],
                Predicate = "has_open_stage",
            });
        });

        return options;
    }

    /// <summary>Registers the drill event types and the inline drill read model.</summary>
    public static StoreOptions AddDrillProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(DrillEventTypes.All);
        options.Projections.Add(new DrillDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<DrillDetails>()
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Kind)
            .Duplicate(x => x.AffectedSystem)
            .Duplicate(x => x.PlannedStart);
        return options;
    }

    /// <summary>Registers alert integrations (stream, inline document) and the alert events incidents carry (issue #12).</summary>
    public static StoreOptions AddIntakeProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(global::Incidents.Domain.Intake.AlertIntegrationEventTypes.All);
        options.Events.AddEventTypes(global::Incidents.Domain.Intake.AlertEventTypes.All);
        options.Projections.Add(new Intake.AlertIntegrationDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<Intake.AlertIntegrationDetails>().Duplicate(x => x.Name);
        options.Schema.For<Intake.AlertKeyRecord>();
        options.Schema.For<Intake.AlertIntakeState>().UseOptimisticConcurrency(true);
        return options;
    }
}
