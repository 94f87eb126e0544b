using Incidents.Domain.Escalation;

namespace Incidents.Domain.Incidents;

/// <summary>
/// The incident's business rules: pure functions from (command, current state, now) to new events or a refusal.
/// The state machine they implement is documented in docs/lifecycle.md.
/// </summary>
public static class IncidentDecider
{
    public static Decision Decide(ReportIncident command, Incident? state, DateTimeOffset now)
    {
        if (state is not null)
        {
            return IncidentErrors.AlreadyReported(command.IncidentId);
        }

        if (command.OccurredAt is { } occurredAt && Intake.IntakeDecider.OccurredAtProblem(occurredAt, now) is { } problem)
        {
            return IncidentErrors.InvalidOccurredAt(problem);
        }

        var reported = new IncidentReported(
            command.IncidentId,
            command.Title,
            command.Description,
            command.AffectedSystem,
            command.Class,
            command.Channel,
            command.Reporter,
            command.IsDrill,
            command.DrillId,
            command.SlaPolicy,
            command.By,
            now,
            command.OccurredAt);

        // The escalation chain starts with the incident: level 1 is part of the report, recorded in the same append.
        var level1 = EscalationClock.Due(EscalationClock.Evolve(null, reported)!, command.Escalation, now);
        return Decision.Accept([reported, .. level1]);
    }

    public static Decision Decide(ReclassifyIncident command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "reclassified");
        }

        if (state.Class == command.To)
        {
            return IncidentErrors.ClassUnchanged(state.Id, state.Class);
        }

        return Decision.Accept(new IncidentReclassified(state.Id, state.Class, command.To, command.Reason, command.By, now));
    }

    public static Decision Decide(AcknowledgeIncident command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "acknowledged");
        }

        if (state.IsAcknowledged)
        {
            return IncidentErrors.AlreadyAcknowledged(state.Id);
        }

        return Decision.Accept(new IncidentAcknowledged(state.Id, command.By, now));
    }

    public static Decision Decide(AssignResponder command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "assigned");
        }

        if (state.Responders.ContainsKey(command.Responder.Id))
        {
            return IncidentErrors.ResponderAlreadyAssigned(state.Id, command.Responder.Id);
        }

        return Decision.Accept(new ResponderAssigned(state.Id, command.Responder, command.By, now));
    }

    public static Decision Decide(DispatchResponder command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "dispatched to");
        }

        if (!state.IsAcknowledged)
        {
            return IncidentErrors.NotAcknowledged(state.Id, "dispatched to");
        }

        return state.Responders.TryGetValue(command.ResponderId, out var stage) switch
        {
            false => IncidentErrors.ResponderNotAssigned(state.Id, command.ResponderId),
            true when stage != ResponderStage.Assigned => IncidentErrors.ResponderAlreadyDispatched(state.Id, command.ResponderId),
            _ => Decision.Accept(new ResponderDispatched(state.Id, command.ResponderId, command.Note, command.By, now)),
        };
    }

    public static Decision Decide(RecordArrivalOnSite command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "attended on site");
        }

        return state.Responders.TryGetValue(command.ResponderId, out var stage) switch
        {
            false => IncidentErrors.ResponderNotAssigned(state.Id, command.ResponderId),
            true when stage == ResponderStage.Assigned => IncidentErrors.ResponderNotDispatched(state.Id, command.ResponderId),
            true when stage == ResponderStage.OnSite => IncidentErrors.ResponderAlreadyOnSite(state.Id, command.ResponderId),
            _ => Decision.Accept(new ResponderArrivedOnSite(state.Id, command.ResponderId, command.By, now)),
        };
    }

    public static Decision Decide(RestoreService command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "restored");
        }

        if (!state.IsAcknowledged)
        {
            return IncidentErrors.NotAcknowledged(state.Id, "restored");
        }

        if (state.IsServiceRestored)
        {
            return IncidentErrors.AlreadyRestored(state.Id);
        }

        return Decision.Accept(new ServiceRestored(state.Id, command.Summary, command.By, now));
    }

    /// <summary>Classes whose contract clock has a restore stage must record the restoration before resolving.</summary>
    public static bool RequiresRestorationBeforeResolve(IncidentClass incidentClass) =>
        incidentClass is IncidentClass.Outage or IncidentClass.MajorEvent;

    public static Decision Decide(ResolveIncident command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "resolved");
        }

        if (!state.IsAcknowledged)
        {
            return IncidentErrors.NotAcknowledged(state.Id, "resolved");
        }

        if (RequiresRestorationBeforeResolve(state.Class) && !state.IsServiceRestored)
        {
            return IncidentErrors.ServiceNotRestored(state.Id, state.Class);
        }

        return Decision.Accept(new IncidentResolved(state.Id, command.Summary, command.Cause, command.By, now));
    }

    public static Decision Decide(CloseIncident command, Incident state, DateTimeOffset now) => state.Status switch
    {
        IncidentStatus.Resolved => Decision.Accept(new IncidentClosed(state.Id, command.Satisfaction, command.Feedback, command.By, now)),
        IncidentStatus.Closed => IncidentErrors.AlreadyClosed(state.Id),
        IncidentStatus.Cancelled => IncidentErrors.NotActive(state.Id, state.Status, "closed"),
        _ => IncidentErrors.NotResolved(state.Id),
    };

    public static Decision Decide(ReopenIncident command, Incident state, DateTimeOffset now) => state.Status switch
    {
        IncidentStatus.Resolved or IncidentStatus.Closed => Decision.Accept(new IncidentReopened(state.Id, command.Reason, command.By, now)),
        _ => IncidentErrors.NotReopenable(state.Id, state.Status),
    };

    public static Decision Decide(CancelIncident command, Incident state, DateTimeOffset now)
    {
        if (!state.IsActive)
        {
            return IncidentErrors.NotActive(state.Id, state.Status, "cancelled");
        }

        if (command.Reason == CancellationReason.Duplicate)
        {
            if (command.DuplicateOf is null)
            {
                return IncidentErrors.DuplicateOfMissing(state.Id);
            }

            if (command.DuplicateOf == state.Id)
            {
                return IncidentErrors.DuplicateOfItself(state.Id);
            }
        }

        var duplicateOf = command.Reason == CancellationReason.Duplicate ? command.DuplicateOf : null;
        return Decision.Accept(new IncidentCancelled(state.Id, command.Reason, duplicateOf, command.Explanation, command.By, now));
    }

    /// <summary>
    /// Comments are allowed in every state, closed and cancelled included: post-incident notes belong on the record. At most
    /// <see cref="CommentOnIncident.PerHour"/> an hour, so nobody can grow a stream without bound (<see cref="CommentLimit"/>).
    /// </summary>
    public static Decision Decide(CommentOnIncident command, Incident state, DateTimeOffset now) =>
        CommentLimit.Check(state, command.PerHour, now) is { } over
            ? over
            : Decision.Accept(new IncidentCommentAdded(state.Id, command.CommentId, command.Text, command.By, now));
}
