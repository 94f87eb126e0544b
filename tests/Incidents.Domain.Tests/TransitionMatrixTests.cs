using Incidents.Domain.Incidents;
using static Incidents.Domain.Incidents.IncidentStatus;
using static Incidents.Domain.Tests.Command;

namespace Incidents.Domain.Tests;

/// <summary>Every command of the incident's life, as the matrix below issues it.</summary>
public enum Command
{
    Report,
    Reclassify,
    Acknowledge,
    Assign,
    Dispatch,
    ArriveOnSite,
    Restore,
    Resolve,
    Close,
    Reopen,
    Cancel,
    Comment,
}

/// <summary>
/// The lifecycle as a table: for every command and every status, either the status the incident moves to or the code of
/// the refusal. The table is the specification; the theory checks the deciders against it, cell by cell.
/// </summary>
public sealed class TransitionMatrixTests
{
    private abstract record Outcome;

    private sealed record Accepted(IncidentStatus Then) : Outcome;

    private sealed record Rejected(string Code) : Outcome;

    private static Outcome Becomes(IncidentStatus then) => new Accepted(then);

    private static Outcome Refused(string code) => new Rejected(code);

    // The incident in each status is an outage built by IncidentHistory: by Acknowledged three engineers are assigned,
    // from Dispatched on one of them is on the way and one on standby, from OnSite another one is on site.
    // The commands, as issued from every status:
    //   Report        report the same incident id again
    //   Reclassify    outage -> major event
    //   Assign        a newcomer who is not assigned yet
    //   Dispatch      the engineer on standby (assigned, never dispatched)
    //   ArriveOnSite  the engineer on the way (dispatched, not on site yet)
    //   Resolve       the outage, as it stands
    //   Cancel        as a false alarm
    private static readonly (Command Command, IncidentStatus From, Outcome Outcome)[] Matrix =
    [
        (Report,       Reported,     Refused("incident.already-exists")),
        (Report,       Acknowledged, Refused("incident.already-exists")),
        (Report,       Dispatched,   Refused("incident.already-exists")),
        (Report,       OnSite,       Refused("incident.already-exists")),
        (Report,       Restored,     Refused("incident.already-exists")),
        (Report,       Resolved,     Refused("incident.already-exists")),
        (Report,       Closed,       Refused("incident.already-exists")),
        (Report,       Cancelled,    Refused("incident.already-exists")),

        (Reclassify,   Reported,     Becomes(Reported)),
        (Reclassify,   Acknowledged, Becomes(Acknowledged)),
        (Reclassify,   Dispatched,   Becomes(Dispatched)),
        (Reclassify,   OnSite,       Becomes(OnSite)),
        (Reclassify,   Restored,     Becomes(Restored)),
        (Reclassify,   Resolved,     Refused("incident.resolved")),
        (Reclassify,   Closed,       Refused("incident.closed")),
        (Reclassify,   Cancelled,    Refused("incident.cancelled")),

        (Acknowledge,  Reported,     Becomes(Acknowledged)),
        (Acknowledge,  Acknowledged, Refused("incident.already-acknowledged")),
        (Acknowledge,  Dispatched,   Refused("incident.already-acknowledged")),
        (Acknowledge,  OnSite,       Refused("incident.already-acknowledged")),
        (Acknowledge,  Restored,     Refused("incident.already-acknowledged")),
        (Acknowledge,  Resolved,     Refused("incident.resolved")),
        (Acknowledge,  Closed,       Refused("incident.closed")),
        (Acknowledge,  Cancelled,    Refused("incident.cancelled")),

        (Assign,       Reported,     Becomes(Reported)),
        (Assign,       Acknowledged, Becomes(Acknowledged)),
        (Assign,       Dispatched,   Becomes(Dispatched)),
        (Assign,       OnSite,       Becomes(OnSite)),
        (Assign,       Restored,     Becomes(Restored)),
        (Assign,       Resolved,     Refused("incident.resolved")),
        (Assign,       Closed,       Refused("incident.closed")),
        (Assign,       Cancelled,    Refused("incident.cancelled")),

        (Dispatch,     Reported,     Refused("incident.not-acknowledged")),
        (Dispatch,     Acknowledged, Becomes(Dispatched)),
        (Dispatch,     Dispatched,   Becomes(Dispatched)),
        (Dispatch,     OnSite,       Becomes(OnSite)),
        (Dispatch,     Restored,     Becomes(Restored)),
        (Dispatch,     Resolved,     Refused("incident.resolved")),
        (Dispatch,     Closed,       Refused("incident.closed")),
        (Dispatch,     Cancelled,    Refused("incident.cancelled")),

        (ArriveOnSite, Reported,     Refused("incident.responder-not-assigned")),
        (ArriveOnSite, Acknowledged, Refused("incident.responder-not-dispatched")),
        (ArriveOnSite, Dispatched,   Becomes(OnSite)),
        (ArriveOnSite, OnSite,       Becomes(OnSite)),
        (ArriveOnSite, Restored,     Becomes(Restored)),
        (ArriveOnSite, Resolved,     Refused("incident.resolved")),
        (ArriveOnSite, Closed,       Refused("incident.closed")),
        (ArriveOnSite, Cancelled,    Refused("incident.cancelled")),

        (Restore,      Reported,     Refused("incident.not-acknowledged")),
        (Restore,      Acknowledged, Becomes(Restored)),
        (Restore,      Dispatched,   Becomes(Restored)),
        (Restore,      OnSite,       Becomes(Restored)),
        (Restore,      Restored,     Refused("incident.already-restored")),
        (Restore,      Resolved,     Refused("incident.resolved")),
        (Restore,      Closed,       Refused("incident.closed")),
        (Restore,      Cancelled,    Refused("incident.cancelled")),

        (Resolve,      Reported,     Refused("incident.not-acknowledged")),
        (Resolve,      Acknowledged, Refused("incident.service-not-restored")),
        (Resolve,      Dispatched,   Refused("incident.service-not-restored")),
        (Resolve,      OnSite,       Refused("incident.service-not-restored")),
        (Resolve,      Restored,     Becomes(Resolved)),
        (Resolve,      Resolved,     Refused("incident.resolved")),
        (Resolve,      Closed,       Refused("incident.closed")),
        (Resolve,      Cancelled,    Refused("incident.cancelled")),

        (Close,        Reported,     Refused("incident.not-resolved")),
        (Close,        Acknowledged, Refused("incident.not-resolved")),
        (Close,        Dispatched,   Refused("incident.not-resolved")),
        (Close,        OnSite,       Refused("incident.not-resolved")),
        (Close,        Restored,     Refused("incident.not-resolved")),
        (Close,        Resolved,     Becomes(Closed)),
        (Close,        Closed,       Refused("incident.already-closed")),
        (Close,        Cancelled,    Refused("incident.cancelled")),

        (Reopen,       Reported,     Refused("incident.not-reopenable")),
        (Reopen,       Acknowledged, Refused("incident.not-reopenable")),
        (Reopen,       Dispatched,   Refused("incident.not-reopenable")),
        (Reopen,       OnSite,       Refused("incident.not-reopenable")),
        (Reopen,       Restored,     Refused("incident.not-reopenable")),
        (Reopen,       Resolved,     Becomes(Acknowledged)),
        (Reopen,       Closed,       Becomes(Acknowledged)),
        (Reopen,       Cancelled,    Refused("incident.not-reopenable")),

        (Cancel,       Reported,     Becomes(Cancelled)),
        (Cancel,       Acknowledged, Becomes(Cancelled)),
        (Cancel,       Dispatched,   Becomes(Cancelled)),
        (Cancel,       OnSite,       Becomes(Cancelled)),
        (Cancel,       Restored,     Becomes(Cancelled)),
        (Cancel,       Resolved,     Refused("incident.resolved")),
        (Cancel,       Closed,       Refused("incident.closed")),
        (Cancel,       Cancelled,    Refused("incident.cancelled")),

        (Comment,      Reported,     Becomes(Reported)),
        (Comment,      Acknowledged, Becomes(Acknowledged)),
        (Comment,      Dispatched,   Becomes(Dispatched)),
        (Comment,      OnSite,       Becomes(OnSite)),
        (Comment,      Restored,     Becomes(Restored)),
        (Comment,      Resolved,     Becomes(Resolved)),
        (Comment,      Closed,       Becomes(Closed)),
        (Comment,      Cancelled,    Becomes(Cancelled)),
    ];

    private static readonly IReadOnlyDictionary<Command, Type> EventOf = new Dictionary<Command, Type>
    {
        [Report] = typeof(IncidentReported),
        [Reclassify] = typeof(IncidentReclassified),
        [Acknowledge] = typeof(IncidentAcknowledged),
        [Assign] = typeof(ResponderAssigned),
        [Dispatch] = typeof(ResponderDispatched),
        [ArriveOnSite] = typeof(ResponderArrivedOnSite),
        [Restore] = typeof(ServiceRestored),
        [Resolve] = typeof(IncidentResolved),
        [Close] = typeof(IncidentClosed),
        [Reopen] = typeof(IncidentReopened),
        [Cancel] = typeof(IncidentCancelled),
        [Comment] = typeof(IncidentCommentAdded),
    };

    public static TheoryData<Command, IncidentStatus> EveryCell()
    {
        var cells = new TheoryData<Command, IncidentStatus>();
        foreach (var (command, from, _) in Matrix)
        {
            cells.Add(command, from);
        }

        return cells;
    }

    private static Decision Issue(Command command, Incident state, DateTimeOffset now) => command switch
    {
        Report => IncidentDecider.Decide(Hotline.ReportCommand(by: Hotline.Someone), state, now),
        Reclassify => IncidentDecider.Decide(new ReclassifyIncident(IncidentClass.MajorEvent, "The whole region is affected.", Hotline.Someone), state, now),
        Acknowledge => IncidentDecider.Decide(new AcknowledgeIncident(Hotline.Someone), state, now),
        Assign => IncidentDecider.Decide(new AssignResponder(Hotline.Newcomer, Hotline.Someone), state, now),
        Dispatch => IncidentDecider.Decide(new DispatchResponder(Hotline.OnStandby.Id, "Bring the spare PSU.", Hotline.Someone), state, now),
        ArriveOnSite => IncidentDecider.Decide(new RecordArrivalOnSite(Hotline.OnTheWay.Id, Hotline.Someone), state, now),
        Restore => IncidentDecider.Decide(new RestoreService("Portal answers again.", Hotline.Someone), state, now),
        Resolve => IncidentDecider.Decide(new ResolveIncident("Faulty node replaced.", CauseCategory.Hardware, Hotline.Someone), state, now),
        Close => IncidentDecider.Decide(new CloseIncident(4, "Fine.", Hotline.Someone), state, now),
        Reopen => IncidentDecider.Decide(new ReopenIncident("The portal is down again.", Hotline.Someone), state, now),
        Cancel => IncidentDecider.Decide(new CancelIncident(CancellationReason.FalseAlarm, null, "Caller's own network.", Hotline.Someone), state, now),
        Comment => IncidentDecider.Decide(new CommentOnIncident(Guid.Parse("0c0c0c0c-0000-4000-8000-0000000000ff"), "Noted.", Hotline.Someone), state, now),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void each_command_is_allowed_or_refused_in_each_status_as_the_matrix_says(Command command, IncidentStatus from)
    {
        var state = IncidentHistory.StateOf(from);
        var outcome = Matrix.Single(cell => cell.Command == command && cell.From == from).Outcome;

        var decision = Issue(command, state, Hotline.Now);

        switch (outcome)
        {
            case Accepted accepted:
                decision.Error.ShouldBeNull();
                var fact = decision.Events.ShouldHaveSingleItem().ShouldBeAssignableTo<IIncidentEvent>().ShouldNotBeNull();
                fact.GetType().ShouldBe(EventOf[command]);
                fact.IncidentId.ShouldBe(Hotline.IncidentId);
                fact.By.ShouldBe(Hotline.Someone);
                fact.At.ShouldBe(Hotline.Now);
                state.Evolved(decision).Status.ShouldBe(accepted.Then);
                break;

            case Rejected rejected:
                decision.ShouldBeRefused(rejected.Code, DomainErrorKind.Conflict);
                break;

            default:
                throw new InvalidOperationException($"Unknown outcome {outcome}.");
        }
    }

    [Fact]
    public void the_matrix_names_every_command_in_every_status_exactly_once()
    {
        var everyPair =
            from command in Enum.GetValues<Command>()
            from status in Enum.GetValues<IncidentStatus>()
            select (command, status);

        Matrix.Select(cell => (cell.Command, cell.From)).ShouldBe(everyPair, ignoreOrder: true);
        Matrix.Length.ShouldBe(Enum.GetValues<Command>().Length * Enum.GetValues<IncidentStatus>().Length);
    }

    [Fact]
    public void the_matrix_issues_every_command_the_decider_knows()
    {
        var decidedCommands = typeof(IncidentDecider).GetMethods()
            .Where(m => m.Name == nameof(IncidentDecider.Decide))
            .Select(m => m.GetParameters()[0].ParameterType);

        decidedCommands.Count().ShouldBe(Enum.GetValues<Command>().Length);
    }

    [Theory]
    [InlineData(Reported)]
    [InlineData(Acknowledged)]
    [InlineData(Dispatched)]
    [InlineData(OnSite)]
    [InlineData(Restored)]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    [InlineData(Cancelled)]
    public void each_story_used_by_the_matrix_ends_in_the_status_it_is_named_after(IncidentStatus status)
    {
        IncidentHistory.StateOf(status).Status.ShouldBe(status);
    }
}
