using Incidents.Domain.Incidents;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Incidents;

/// <summary>Builds <see cref="IncidentDetails"/> from an incident's stream.</summary>
public sealed class IncidentDetailsProjection : SingleStreamProjection<IncidentDetails, Guid>
{
    /// <summary>
    /// Only the lifecycle events shape the view: SLA notices (warnings, breaches) leave it, and its version, alone, so a
    /// storm of notices costs one document write fewer each, and an ETag read before a notice stays current.
    /// </summary>
    public IncidentDetailsProjection()
    {
        foreach (var type in LifecycleEvents)
        {
            IncludeType(type);
        }
    }

    public static readonly Type[] LifecycleEvents =
    [
        typeof(IncidentReported), typeof(IncidentReclassified), typeof(IncidentAcknowledged), typeof(ResponderAssigned),
        typeof(ResponderDispatched), typeof(ResponderArrivedOnSite), typeof(ServiceRestored), typeof(IncidentResolved),
        typeof(IncidentClosed), typeof(IncidentReopened), typeof(IncidentCancelled), typeof(IncidentCommentAdded),
    ];

    public override IncidentDetails? Evolve(IncidentDetails? snapshot, Guid id, IEvent e) => Project(snapshot, e.Data, e.Version);

    /// <summary>
    /// Applies one event (at its stream version) to the view. Public so a writer that already holds the events can show
    /// the result without reading it back.
    /// </summary>
    public static IncidentDetails? Project(IncidentDetails? snapshot, object data, long version)
    {
        if (snapshot is not null && Array.IndexOf(LifecycleEvents, data.GetType()) < 0)
        {
            return snapshot;
        }

        var view = data switch
        {
            IncidentReported reported => Open(reported),
            _ when snapshot is null => null,
            _ => Change(snapshot, data),
        };

        if (view is not null)
        {
            view.Version = version;
            if (data is IIncidentEvent incidentEvent)
            {
                view.LastChangedAt = incidentEvent.At;
            }
        }

        return view;
    }

    private static IncidentDetails Open(IncidentReported e) => new()
    {
        Id = e.IncidentId,
        Title = e.Title,
        Description = e.Description,
        AffectedSystem = e.AffectedSystem,
        Class = e.Class,
        OriginalClass = e.Class,
        Channel = e.Channel,
        Status = IncidentStatus.Reported,
        Reporter = e.Reporter,
        IsDrill = e.IsDrill,
        DrillId = e.DrillId,
        SlaPolicyName = e.SlaPolicy.Name,
        SlaPolicyVersion = e.SlaPolicy.Version,
        ReportedAt = e.At,
        ReportedBy = e.By,
    };

    private static IncidentDetails Change(IncidentDetails view, object @event)
    {
        switch (@event)
        {
            case IncidentReclassified e:
                view.Class = e.To;
                break;
            case IncidentAcknowledged e:
                view.Status = IncidentStatus.Acknowledged;
                view.AcknowledgedAt = e.At;
                view.AcknowledgedBy = e.By;
                break;
            case ResponderAssigned e:
                view.Responders.RemoveAll(r => r.Id == e.Responder.Id);
                view.Responders.Add(new ResponderView
                {
                    Id = e.Responder.Id,
                    Name = e.Responder.Name,
                    Team = e.Responder.Team,
                    Stage = ResponderStage.Assigned,
                    AssignedAt = e.At,
                });
                break;
            case ResponderDispatched e:
                if (view.Responders.Find(r => r.Id == e.ResponderId) is { } dispatched)
                {
                    dispatched.Stage = ResponderStage.Dispatched;
                    dispatched.DispatchedAt = e.At;
                }

                if (view.Status == IncidentStatus.Acknowledged)
                {
                    view.Status = IncidentStatus.Dispatched;
                }

                break;
            case ResponderArrivedOnSite e:
                if (view.Responders.Find(r => r.Id == e.ResponderId) is { } arrived)
                {
                    arrived.Stage = ResponderStage.OnSite;
                    arrived.ArrivedAt = e.At;
                }

                view.FirstArrivalAt ??= e.At;
                if (view.Status is IncidentStatus.Acknowledged or IncidentStatus.Dispatched)
                {
                    view.Status = IncidentStatus.OnSite;
                }

                break;
            case ServiceRestored e:
                view.Status = IncidentStatus.Restored;
                view.RestoredAt = e.At;
                view.RestorationSummary = e.Summary;
                break;
            case IncidentResolved e:
                view.Status = IncidentStatus.Resolved;
                view.ResolvedAt = e.At;
                view.ResolutionSummary = e.Summary;
                view.Cause = e.Cause;
                break;
            case IncidentClosed e:
                view.Status = IncidentStatus.Closed;
                view.ClosedAt = e.At;
                view.Satisfaction = e.Satisfaction;
                view.Feedback = e.Feedback;
                break;
            case IncidentReopened:
                view.Status = IncidentStatus.Acknowledged;
                view.ReopenCount++;
                view.RestoredAt = null;
                view.RestorationSummary = null;
                view.ResolvedAt = null;
                view.ResolutionSummary = null;
                view.Cause = null;
                view.ClosedAt = null;
                view.Satisfaction = null;
                view.Feedback = null;
                view.Responders.Clear();
                break;
            case IncidentCancelled e:
                view.Status = IncidentStatus.Cancelled;
                view.CancelledAt = e.At;
                view.CancellationReason = e.Reason;
                view.DuplicateOf = e.DuplicateOf;
                break;
            case IncidentCommentAdded:
                view.CommentCount++;
                break;
        }

        return view;
    }
}
