namespace Incidents.Domain.Drills;

/// <summary>
/// A drill's business rules: pure functions from (command, current state, what is booked, now) to new events or a
/// refusal. The life is scheduled → (rescheduled)* → started → completed, with cancelled possible before completion.
/// </summary>
public static class DrillDecider
{
    public static Decision Decide(ScheduleDrill command, Drill? state, DrillBookings bookings, DateTimeOffset now)
    {
        if (state is not null)
        {
            return DrillErrors.AlreadyScheduled(command.DrillId);
        }

        var window = new DrillWindow(command.DrillId, command.Scenario.AffectedSystem, command.PlannedStart, command.ExpectedDuration);
        if (CheckWindow(window, bookings, now) is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new DrillScheduled(command.DrillId, command.Title, command.Kind, command.Scenario, command.PlannedStart,
            command.ExpectedDuration, command.Participants, command.Observers, command.Objectives, command.By, now));
    }

    public static Decision Decide(RescheduleDrill command, Drill state, DrillBookings bookings, DateTimeOffset now)
    {
        if (state.Status != DrillStatus.Scheduled)
        {
            return DrillErrors.NotScheduled(state.Id, state.Status, "rescheduled");
        }

        if (command.PlannedStart == state.PlannedStart)
        {
            return DrillErrors.StartUnchanged(state.Id);
        }

        if (CheckWindow(state.Window with { Start = command.PlannedStart }, bookings, now) is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new DrillRescheduled(state.Id, state.PlannedStart, command.PlannedStart, command.Reason, command.By, now));
    }

    public static Decision Decide(StartDrill command, Drill state, DateTimeOffset now)
    {
        if (state.Status != DrillStatus.Scheduled)
        {
            return DrillErrors.NotScheduled(state.Id, state.Status, "started");
        }

        if (command.ForPlannedStart is { } planned && planned != state.PlannedStart)
        {
            return DrillErrors.StartMoved(state.Id, state.PlannedStart);
        }

        return Decision.Accept(new DrillStarted(state.Id, command.IncidentId, command.ByHand, command.By, now));
    }

    public static Decision Decide(CompleteDrill command, Drill state, DateTimeOffset now)
    {
        switch (state.Status)
        {
            case DrillStatus.Scheduled:
                return DrillErrors.NotStarted(state.Id);
            case DrillStatus.Completed or DrillStatus.Cancelled:
                return DrillErrors.Finished(state.Id, state.Status);
        }

        if (command.ObjectivesMet.FirstOrDefault(o => !state.Objectives.Contains(o)) is { } unknown)
        {
            return DrillErrors.UnknownObjective(unknown);
        }

        return Decision.Accept(new DrillCompleted(state.Id, command.ObjectivesMet.Distinct().ToList(), command.LessonsLearned, command.By, now));
    }

    /// <summary>A scheduled or running drill can be called off; a finished one cannot.</summary>
    public static Decision Decide(CancelDrill command, Drill state, DateTimeOffset now) => state.Status switch
    {
        DrillStatus.Scheduled or DrillStatus.Started => Decision.Accept(new DrillCancelled(state.Id, command.Reason, command.By, now)),
        _ => DrillErrors.Finished(state.Id, state.Status),
    };

    private static DomainError? CheckWindow(DrillWindow window, DrillBookings bookings, DateTimeOffset now)
    {
        if (window.Start <= now)
        {
            return DrillErrors.StartInPast(window.Start, now);
        }

        if (!bookings.KnownSystems.Contains(window.AffectedSystem, StringComparer.OrdinalIgnoreCase))
        {
            return DrillErrors.UnknownSystem(window.AffectedSystem);
        }

        return bookings.Booked.FirstOrDefault(b => b.DrillId != window.DrillId && b.Overlaps(window)) is { } other
            ? DrillErrors.Overlaps(window, other)
            : null;
    }
}
