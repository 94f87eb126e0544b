using Incidents.Domain.Escalation;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Incidents;

/// <summary>
/// Builds <see cref="IncidentDetails"/>, the incident's one document, from every event of its stream: lifecycle events
/// shape what people see and move <see cref="IncidentDetails.ChangeVersion"/>; notices move only the clocks, the stream
/// version and the chain head.
/// </summary>
public sealed class IncidentDetailsProjection : SingleStreamProjection<IncidentDetails, Guid>
{
    /// <summary>The Marten header that carries each event's link of the hash chain (docs/security.md).</summary>
    public const string ChainHashHeader = "chain-hash";

    /// <summary>The events that shape what people see (every other incident event is a notice).</summary>
    public static readonly Type[] LifecycleEvents =
    [
        typeof(IncidentReported), typeof(IncidentReclassified), typeof(IncidentAcknowledged), typeof(ResponderAssigned),
        typeof(ResponderDispatched), typeof(ResponderArrivedOnSite), typeof(ServiceRestored), typeof(IncidentResolved),
        typeof(IncidentClosed), typeof(IncidentReopened), typeof(IncidentCancelled), typeof(IncidentCommentAdded),
    ];

    public override IncidentDetails? Evolve(IncidentDetails? snapshot, Guid id, IEvent e) =>
        Apply(snapshot, e.Data, e.Version, e.Headers?.TryGetValue(ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>
    /// Applies one event (at its stream version, with its chain hash) and returns the new view. The given view is never
    /// changed: a step keeps the document it loaded, computes the answer with this same function, and Marten's inline
    /// projection applies it again to the loaded instance at commit.
    /// </summary>
    public static IncidentDetails? Apply(IncidentDetails? snapshot, object data, long version, string? chainHash)
    {
        var view = data switch
        {
            IncidentReported reported => Open(reported),
            _ when snapshot is null => null,
            _ => Change(snapshot.Copy(), data),
        };
        if (view is null)
        {
            return null;
        }

        view.State = Incident.Evolve(view.State, data);
        view.Sla = SlaClock.Evolve(view.Sla, data);
        view.Escalation = EscalationClock.Evolve(view.Escalation, data);
        view.NotificationLag = data switch
        {
            Domain.Notifications.NotificationDelivered d => d.Lag ?? view.NotificationLag,
            Domain.Notifications.NotificationFailed f => f.Lag ?? view.NotificationLag,
            Domain.Notifications.NotificationSuperseded x => x.Lag ?? view.NotificationLag,
            _ => view.NotificationLag,
        };
        var open = view.Sla is { } sla ? OpenDueTimes(sla).ToList() : [];
        view.HasOpenStage = open.Count > 0;
        view.NextDueAt = open.Count > 0 ? open.Min() : null;
        view.Version = version;
        if (IncidentVersions.IsChange(data))
        {
            view.ChangeVersion = version;
            if (data is IIncidentEvent change)
            {
                view.LastChangedAt = change.At;
            }
        }

        if (chainHash is not null)
        {
            view.ChainHash = chainHash;
        }

        return view;
    }

    /// <summary>Due times of stages that apply, have not stopped, and whose incident is not cancelled.</summary>
    public static IEnumerable<DateTimeOffset> OpenDueTimes(SlaClockState state) =>
        state.CancelledAt is not null
            ? []
            : state.Stages
                .Where(f => f.StoppedAt is null)
                .Select(f => SlaClock.TargetOf(state, f))
                .OfType<TimeSpan>()
                .Select(target => state.StartedAt + target);

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
        OccurredAt = e.OccurredAt,
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
            default:
                view.Alerts = Intake.IncidentAlerts.Evolve(view.Alerts, @event);
                break;
        }

        return view;
    }
}
