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

        var injects = command.Injects ?? [];
        if (CheckInjects(command.Scenario, command.ExpectedDuration, injects) is { } badInject)
        {
            return badInject;
        }

        // Stored in the order they fall due (the plan's order among injects at the same offset).
        return Decision.Accept(new DrillScheduled(command.DrillId, command.Title, command.Kind, command.Scenario, command.PlannedStart,
            command.ExpectedDuration, command.Participants, command.Observers, command.Objectives, command.By, now,
            [.. injects.OrderBy(i => i.Offset)]));
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

    /// <summary>
    /// Records what became of an inject that fell due. Only a running drill, for its own incident, and only once: a
    /// duplicate or late timer (the drill completed or was cancelled) is refused and records nothing.
    /// </summary>
    public static Decision Decide(RecordDrillInject command, Drill state, DateTimeOffset now)
    {
        switch (state.Status)
        {
            case DrillStatus.Scheduled:
                return DrillErrors.NotStarted(state.Id);
            case DrillStatus.Completed or DrillStatus.Cancelled:
                return DrillErrors.Finished(state.Id, state.Status);
        }

        if (state.IncidentId != command.IncidentId)
        {
            return DrillErrors.OtherIncident(state.Id, command.IncidentId);
        }

        if (command.Index < 0 || command.Index >= state.Injects.Count)
        {
            return DrillErrors.UnknownInject(state.Id, command.Index);
        }

        if (state.InjectsRecorded.Contains(command.Index))
        {
            return DrillErrors.InjectRecorded(state.Id, command.Index);
        }

        return Decision.Accept(new DrillInjectApplied(state.Id, command.Index, command.IncidentId, command.Outcome, command.Reason,
            command.By, now));
    }

    /// <summary>A scheduled or running drill can be called off; a finished one cannot.</summary>
    public static Decision Decide(CancelDrill command, Drill state, DateTimeOffset now) => state.Status switch
    {
        DrillStatus.Scheduled or DrillStatus.Started => Decision.Accept(new DrillCancelled(state.Id, command.Reason, command.By, now)),
        _ => DrillErrors.Finished(state.Id, state.Status),
    };

    /// <summary>
    /// Each inject falls due within the drill, does something, and a reclassification changes the class the scenario has
    /// at that point (after the injects before it). Errors name the inject by its place in the plan.
    /// </summary>
    private static DomainError? CheckInjects(DrillScenario scenario, TimeSpan duration, IReadOnlyList<DrillInject> injects)
    {
        if (injects.Count > DrillInjects.MaxCount)
        {
            return DrillErrors.TooManyInjects(injects.Count);
        }

        for (var i = 0; i < injects.Count; i++)
        {
            if (injects[i].Offset <= TimeSpan.Zero || injects[i].Offset > duration)
            {
                return DrillErrors.InjectOutsideWindow(i, injects[i].Offset, duration);
            }

            if (injects[i].ReclassifyTo is null && string.IsNullOrWhiteSpace(injects[i].Comment))
            {
                return DrillErrors.InjectDoesNothing(i);
            }
        }

        var incidentClass = scenario.Class;
        foreach (var (inject, i) in injects.Select((inject, i) => (inject, i)).OrderBy(x => x.inject.Offset))
        {
            if (inject.ReclassifyTo is { } to)
            {
                if (to == incidentClass)
                {
                    return DrillErrors.InjectClassUnchanged(i, incidentClass);
                }

                incidentClass = to;
            }
        }

        return null;
    }

    /// <summary>How far ahead a drill may be planned: drills are yearly; a plan years out is a typo.</summary>
    public static readonly TimeSpan PlanningHorizon = TimeSpan.FromDays(3 * 366);

    private static DomainError? CheckWindow(DrillWindow window, DrillBookings bookings, DateTimeOffset now)
    {
        if (window.Start <= now)
        {
            return DrillErrors.StartInPast(window.Start, now);
        }

        if (window.Start > now + PlanningHorizon)
        {
            return DrillErrors.StartTooFar(window.Start, now, PlanningHorizon);
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
