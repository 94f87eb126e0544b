using Incidents.Domain;
using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Incidents.Projections.Drills;

/// <summary>The read model of one drill (plan, state, outcome), kept inline with its events.</summary>
public sealed class DrillDetails
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public string Title { get; set; } = "";

    public DrillKind Kind { get; set; }

    public DrillStatus Status { get; set; }

    public IncidentClass Class { get; set; }

    public string AffectedSystem { get; set; } = "";

    public string Script { get; set; } = "";

    public DateTimeOffset PlannedStart { get; set; }

    public DateTimeOffset PlannedEnd { get; set; }

    public TimeSpan ExpectedDuration { get; set; }

    public List<string> Participants { get; set; } = [];

    public List<string> Observers { get; set; } = [];

    public List<string> Objectives { get; set; } = [];

    public Actor ScheduledBy { get; set; } = Actor.System;

    public DateTimeOffset ScheduledAt { get; set; }

    public int RescheduleCount { get; set; }

    public Guid? IncidentId { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public Actor? StartedBy { get; set; }

    public bool StartedByHand { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public Actor? CompletedBy { get; set; }

    public List<string> ObjectivesMet { get; set; } = [];

    public string? LessonsLearned { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancellationReason { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }

    /// <summary>The scripted follow-ups in the order they fall due, with what became of each.</summary>
    public List<DrillInjectView> Injects { get; set; } = [];

    /// <summary>The write model the drill decider takes.</summary>
    public Drill? State { get; set; }

    /// <summary>The chain hash of the last event (<c>chain-hash</c> header): the next append links to it.</summary>
    public string ChainHash { get; set; } = "";

    /// <summary>A copy that shares nothing mutable with this one.</summary>
    public DrillDetails Copy()
    {
        var copy = (DrillDetails)MemberwiseClone();
        copy.Participants = [.. Participants];
        copy.Observers = [.. Observers];
        copy.Objectives = [.. Objectives];
        copy.ObjectivesMet = [.. ObjectivesMet];
        copy.Injects = Injects.Select(i => (DrillInjectView)i.Copy()).ToList();
        return copy;
    }
}

/// <summary>One inject of a drill: the plan, when it falls due (once the drill started) and its recorded outcome.</summary>
public sealed class DrillInjectView
{
    public int Index { get; set; }

    public TimeSpan Offset { get; set; }

    public string Description { get; set; } = "";

    public IncidentClass? ReclassifyTo { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public DrillInjectOutcome? Outcome { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? RecordedAt { get; set; }

    public DrillInjectView Copy() => (DrillInjectView)MemberwiseClone();
}

/// <summary>Builds <see cref="DrillDetails"/> from a drill's stream.</summary>
public sealed class DrillDetailsProjection : SingleStreamProjection<DrillDetails, Guid>
{
    public DrillDetailsProjection()
    {
        foreach (var type in DrillEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override DrillDetails? Evolve(DrillDetails? snapshot, Guid id, IEvent e) =>
        Project(snapshot, e.Data, e.Version,
            e.Headers?.TryGetValue(Incidents.IncidentDetailsProjection.ChainHashHeader, out var hash) == true ? hash?.ToString() : null);

    /// <summary>
    /// Applies one event at its stream version (with its chain hash) and returns the new view; the given view is never
    /// changed, so a writer holding the loaded document can compute its answer with this same function.
    /// </summary>
    public static DrillDetails? Project(DrillDetails? snapshot, object data, long version, string? chainHash = null)
    {
        var view = (snapshot?.Copy(), data) switch
        {
            (_, DrillScheduled e) => new DrillDetails
            {
                Id = e.DrillId,
                Title = e.Title,
                Kind = e.Kind,
                Status = DrillStatus.Scheduled,
                Class = e.Scenario.Class,
                AffectedSystem = e.Scenario.AffectedSystem,
                Script = e.Scenario.Script,
                PlannedStart = e.PlannedStart,
                PlannedEnd = e.PlannedStart + e.ExpectedDuration,
                ExpectedDuration = e.ExpectedDuration,
                Participants = [.. e.Participants],
                Observers = [.. e.Observers],
                Objectives = [.. e.Objectives],
                ScheduledBy = e.By,
                ScheduledAt = e.At,
                Injects = [.. (e.Injects ?? []).Select((inject, index) => new DrillInjectView
                {
                    Index = index,
                    Offset = inject.Offset,
                    Description = inject.Description,
                    ReclassifyTo = inject.ReclassifyTo,
                    Comment = inject.Comment,
                })],
            },
            (null, _) => null,
            (var s, DrillRescheduled e) => Change(s, v =>
            {
                v.PlannedStart = e.To;
                v.PlannedEnd = e.To + v.ExpectedDuration;
                v.RescheduleCount++;
            }),
            (var s, DrillStarted e) => Change(s, v =>
            {
                v.Status = DrillStatus.Started;
                v.IncidentId = e.IncidentId;
                v.StartedAt = e.At;
                v.StartedBy = e.By;
                v.StartedByHand = e.StartedByHand;
                v.Injects.ForEach(i => i.DueAt = e.At + i.Offset);
            }),
            (var s, DrillInjectApplied e) => Change(s, v =>
            {
                if (v.Injects.Find(i => i.Index == e.Index) is { } inject)
                {
                    inject.Outcome = e.Outcome;
                    inject.Reason = e.Reason;
                    inject.RecordedAt = e.At;
                }
            }),
            (var s, DrillCompleted e) => Change(s, v =>
            {
                v.Status = DrillStatus.Completed;
                v.CompletedAt = e.At;
                v.CompletedBy = e.By;
                v.ObjectivesMet = [.. e.ObjectivesMet];
                v.LessonsLearned = e.LessonsLearned;
            }),
            (var s, DrillCancelled e) => Change(s, v =>
            {
                v.Status = DrillStatus.Cancelled;
                v.CancelledAt = e.At;
                v.CancellationReason = e.Reason;
            }),
            (var s, _) => s,
        };

        if (view is not null)
        {
            view.Version = version;
            view.State = Drill.Evolve(view.State, data);
            if (chainHash is not null)
            {
                view.ChainHash = chainHash;
            }

            if (data is IDrillEvent drillEvent)
            {
                view.LastChangedAt = drillEvent.At;
            }
        }

        return view;
    }

    private static DrillDetails Change(DrillDetails view, Action<DrillDetails> change)
    {
        change(view);
        return view;
    }
}
