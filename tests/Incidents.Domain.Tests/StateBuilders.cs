using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests;

/// <summary>The people, the incident and the clock of the stories these tests tell.</summary>
internal static class Hotline
{
    public static readonly Guid IncidentId = Guid.Parse("6f1c2a9e-3b7d-4c52-9e0a-1d2b3c4d5e01");

    public static readonly Guid OriginalIncidentId = Guid.Parse("6f1c2a9e-3b7d-4c52-9e0a-1d2b3c4d5e02");

    /// <summary>When the call came in (Beijing time).</summary>
    public static readonly DateTimeOffset ReportedAt = new(2026, 3, 14, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The moment a decision is taken in the tests: later than everything in the stories.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 16, 10, 30, 15, TimeSpan.FromHours(8));

    public static readonly Actor Desk = new("desk.li", "Li Na (hotline desk)");

    public static readonly Actor DutyEngineer = new("eng.zhang", "Zhang Wei (on duty)");

    /// <summary>Whoever issues the command under test: nobody else in the stories, so an event carrying them came from that command.</summary>
    public static readonly Actor Someone = new("eng.zhao", "Zhao Lei");

    public static readonly Reporter Caller = new("Liu Yang", "+86 10 5555 0100", "liu.yang@example.gov.cn");

    /// <summary>Assigned, dispatched, and the first on site.</summary>
    public static readonly Responder FirstOnSite = new("eng.zhang", "Zhang Wei", "Platform");

    /// <summary>Assigned, dispatched, still on the way.</summary>
    public static readonly Responder OnTheWay = new("eng.chen", "Chen Jie", "Network");

    /// <summary>Assigned, never dispatched.</summary>
    public static readonly Responder OnStandby = new("eng.wang", "Wang Fang", "Storage");

    /// <summary>Not part of any story until a test assigns them.</summary>
    public static readonly Responder Newcomer = new("eng.sun", "Sun Hao", "Security");

    public static ReportIncident ReportCommand(IncidentClass incidentClass = IncidentClass.Outage, Actor? by = null) => new(
        IncidentId,
        "Claims analysis portal unreachable",
        "Users get HTTP 502 on every page of the claims analysis portal since 08:55.",
        "claims-analysis-portal",
        incidentClass,
        IntakeChannel.Phone,
        Caller,
        IsDrill: false,
        DrillId: null,
        SlaPolicy.ContractDefault,
        by ?? Desk);
}

/// <summary>
/// Realistic event streams that leave an incident in each of its statuses, replayed through <see cref="Incident.From"/>.
/// </summary>
internal static class IncidentHistory
{
    private static DateTimeOffset At(int minutesAfterReport) => Hotline.ReportedAt.AddMinutes(minutesAfterReport);

    public static IncidentReported ReportedAs(IncidentClass incidentClass) => new(
        Hotline.IncidentId,
        "Claims analysis portal unreachable",
        "Users get HTTP 502 on every page of the claims analysis portal since 08:55.",
        "claims-analysis-portal",
        incidentClass,
        IntakeChannel.Phone,
        Hotline.Caller,
        IsDrill: false,
        DrillId: null,
        SlaPolicy.ContractDefault,
        Hotline.Desk,
        Hotline.ReportedAt);

    /// <summary>The events that leave an incident of the given class in <paramref name="status"/>.</summary>
    public static IReadOnlyList<object> UpTo(IncidentStatus status, IncidentClass incidentClass = IncidentClass.Outage)
    {
        var id = Hotline.IncidentId;
        var reported = new object[] { ReportedAs(incidentClass) };

        // Acknowledged: the duty engineer owns it; the desk assigns three engineers, nobody has left yet.
        var acknowledged = reported.Concat(
        [
            new IncidentAcknowledged(id, Hotline.DutyEngineer, At(3)),
            new ResponderAssigned(id, Hotline.FirstOnSite, Hotline.Desk, At(4)),
            new ResponderAssigned(id, Hotline.OnTheWay, Hotline.Desk, At(4)),
            new ResponderAssigned(id, Hotline.OnStandby, Hotline.Desk, At(5)),
        ]).ToArray();

        // Dispatched: two of them are on the way, the third stays on standby.
        var dispatched = acknowledged.Concat(
        [
            new ResponderDispatched(id, Hotline.FirstOnSite.Id, "Data centre B, hall 2", Hotline.Desk, At(6)),
            new ResponderDispatched(id, Hotline.OnTheWay.Id, null, Hotline.Desk, At(7)),
            new IncidentCommentAdded(id, Guid.Parse("0c0c0c0c-0000-4000-8000-000000000001"), "Caller confirms all users affected.", Hotline.Desk, At(8)),
        ]).ToArray();

        // OnSite: the first engineer arrives; the second is still on the way.
        var onSite = dispatched.Append(new ResponderArrivedOnSite(id, Hotline.FirstOnSite.Id, Hotline.DutyEngineer, At(41))).ToArray();

        var restored = onSite.Append(new ServiceRestored(id, "Failed load balancer node replaced; portal answers again.", Hotline.DutyEngineer, At(130))).ToArray();

        var resolved = restored.Append(new IncidentResolved(id, "Power supply of LB node 2 failed; node replaced, spare ordered.", CauseCategory.Hardware, Hotline.DutyEngineer, At(160))).ToArray();

        var closed = resolved.Append(new IncidentClosed(id, 5, "Quick and clear updates.", Hotline.Desk, At(24 * 60))).ToArray();

        // Cancelled: after acknowledgement it turned out the caller's own network was down.
        var cancelled = acknowledged.Append(new IncidentCancelled(id, CancellationReason.FalseAlarm, null, "Caller's office network was down, not the portal.", Hotline.DutyEngineer, At(12))).ToArray();

        return status switch
        {
            IncidentStatus.Reported => reported,
            IncidentStatus.Acknowledged => acknowledged,
            IncidentStatus.Dispatched => dispatched,
            IncidentStatus.OnSite => onSite,
            IncidentStatus.Restored => restored,
            IncidentStatus.Resolved => resolved,
            IncidentStatus.Closed => closed,
            IncidentStatus.Cancelled => cancelled,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No story ends in this status."),
        };
    }

    /// <summary>The state of an incident of the given class that has reached <paramref name="status"/>.</summary>
    public static Incident StateOf(IncidentStatus status, IncidentClass incidentClass = IncidentClass.Outage) =>
        Incident.From(UpTo(status, incidentClass)) ?? throw new InvalidOperationException("The story starts with IncidentReported.");
}

internal static class DecisionAssertions
{
    /// <summary>Accepted with exactly one event of type <typeparamref name="TEvent"/>, returned for further checks.</summary>
    public static TEvent ShouldAcceptOnly<TEvent>(this Decision decision)
    {
        decision.Error.ShouldBeNull();
        decision.IsAccepted.ShouldBeTrue();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<TEvent>();
    }

    /// <summary>Refused with the given code and kind, and without any event.</summary>
    public static DomainError ShouldBeRefused(this Decision decision, string code, DomainErrorKind kind = DomainErrorKind.Conflict)
    {
        decision.IsAccepted.ShouldBeFalse();
        decision.Events.ShouldBeEmpty();
        var error = decision.Error.ShouldNotBeNull();
        error.Code.ShouldBe(code);
        error.Kind.ShouldBe(kind);
        error.Title.ShouldNotBeNullOrWhiteSpace();
        error.Detail.ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    /// <summary>Applies the decision's single event to <paramref name="state"/>.</summary>
    public static Incident Evolved(this Incident state, Decision decision) =>
        Incident.Evolve(state, decision.Events.ShouldHaveSingleItem()).ShouldNotBeNull();

    public static void ShouldHaveResponders(this Incident state, params (string Id, ResponderStage Stage)[] expected) =>
        state.Responders
            .Select(r => (r.Key, r.Value))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ShouldBe(expected.OrderBy(r => r.Id, StringComparer.Ordinal));
}
