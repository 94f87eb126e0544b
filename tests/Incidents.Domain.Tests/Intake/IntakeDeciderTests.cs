using Incidents.Domain.Incidents;
using Incidents.Domain.Intake;

namespace Incidents.Domain.Tests.Intake;

/// <summary>Deduplication, grouping, storms and recoveries, decided without a host: what monitoring's alerts do to incidents.</summary>
public sealed class IntakeDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly IntakeSnapshot Empty = new(new Dictionary<string, AlertGroupHead>(), [], new Dictionary<string, AlertKeyState>(),
        new Dictionary<Guid, AlertTarget>());

    private static AlertIntegration Integration(AlertMapping? mapping = null) =>
        new(Guid.Parse("0195b000-0000-7000-8000-000000000001"), "prometheus", IntegrationKind.Alertmanager, mapping ?? AlertMapping.Default, "hash", 1);

    private static IncomingAlert Firing(int index, string key, string system = "settlement", string? occurrence = "t0") =>
        new(index, key, AlertAction.Trigger, system, IncidentClass.Outage, $"{key} down", "", "critical", Now.AddMinutes(-5), occurrence);

    private static Func<Guid> Ids()
    {
        var n = 0;
        return () => Guid.Parse($"0195c000-0000-7000-8000-{++n:D12}");
    }

    [Fact]
    public void the_first_alert_opens_an_incident_and_a_second_key_of_the_same_system_folds_into_it()
    {
        var plan = IntakeDecider.Decide(Integration(), [Firing(0, "a"), Firing(1, "b")], Empty, Now, Ids());

        var incident = plan.Incidents.ShouldHaveSingleItem();
        incident.Opens!.DedupKey.ShouldBe("a");
        incident.Events.OfType<AlertReceived>().Select(e => e.DedupKey).ShouldBe(["a", "b"]);
        plan.Results.Select(r => r.Outcome).ShouldBe([AlertOutcome.Opened, AlertOutcome.Added]);
    }

    [Fact]
    public void the_same_occurrence_again_is_a_duplicate_and_records_nothing()
    {
        var first = IntakeDecider.Decide(Integration(), [Firing(0, "a")], Empty, Now, Ids());
        var id = first.Incidents[0].Id;
        var after = new IntakeSnapshot(first.Groups, first.Openings, first.Keys,
            new Dictionary<Guid, AlertTarget> { [id] = new(id, null, 1, 1, false) });

        var again = IntakeDecider.Decide(Integration(), [Firing(0, "a")], after, Now.AddMinutes(4), Ids());

        again.Incidents.ShouldBeEmpty();
        again.Results.ShouldHaveSingleItem().ShouldBe(new AlertResult(0, AlertOutcome.Duplicate, id));
    }

    [Fact]
    public void a_new_occurrence_of_an_open_key_counts_up_and_keeps_first_seen()
    {
        var first = IntakeDecider.Decide(Integration(), [Firing(0, "a")], Empty, Now, Ids());
        var id = first.Incidents[0].Id;
        var after = new IntakeSnapshot(first.Groups, first.Openings, first.Keys,
            new Dictionary<Guid, AlertTarget> { [id] = new(id, null, 1, 1, false) });

        var again = IntakeDecider.Decide(Integration(), [Firing(0, "a", occurrence: "t1")], after, Now.AddHours(2), Ids());

        var received = again.Incidents.ShouldHaveSingleItem().Events.OfType<AlertReceived>().ShouldHaveSingleItem();
        received.Count.ShouldBe(2);
        received.FirstSeenAt.ShouldBe(Now);
        received.LastSeenAt.ShouldBe(Now.AddHours(2));
    }

    [Fact]
    public void a_resolve_is_recorded_as_recovered_and_never_closes_the_incident()
    {
        var first = IntakeDecider.Decide(Integration(), [Firing(0, "a")], Empty, Now, Ids());
        var id = first.Incidents[0].Id;
        var after = new IntakeSnapshot(first.Groups, first.Openings, first.Keys,
            new Dictionary<Guid, AlertTarget> { [id] = new(id, null, 1, 1, false) });

        var resolved = IntakeDecider.Decide(Integration(), [Firing(0, "a") with { Action = AlertAction.Resolve }], after, Now, Ids());

        var plan = resolved.Incidents.ShouldHaveSingleItem();
        plan.Events.ShouldHaveSingleItem().ShouldBeOfType<AlertRecovered>().WasFiring.ShouldBeTrue();
        plan.RecordRestored.ShouldBeFalse("only an integration configured so records service restored");
    }

    [Fact]
    public void a_storm_opens_at_most_the_storm_limit_and_counts_keys_beyond_100_in_one_summary()
    {
        var mapping = AlertMapping.Default with { GroupingWindow = TimeSpan.Zero, StormLimit = 3 };
        var alerts = Enumerable.Range(0, 500).Select(i => Firing(i, $"k{i}")).ToList();

        var plan = IntakeDecider.Decide(Integration(mapping), alerts, Empty, Now, Ids());

        plan.Incidents.Count(i => i.Opens is not null).ShouldBe(3);
        var received = plan.Incidents.SelectMany(i => i.Events).OfType<AlertReceived>().Sum(e => e.Received);
        var counted = plan.Incidents.SelectMany(i => i.Events).OfType<AlertsCounted>().Sum(e => e.Received);
        (received + counted).ShouldBe(500, "no alert dropped");
        plan.Incidents.SelectMany(i => i.Events).OfType<AlertStormDetected>().ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData(1, "in the future")]
    [InlineData(-8 * 24 * 60, "7 days")]
    public void occurred_at_may_not_be_in_the_future_or_more_than_7_days_before_the_report(int minutes, string why) =>
        IntakeDecider.OccurredAtProblem(Now.AddMinutes(minutes), Now)!.ShouldContain(why);

    [Fact]
    public void the_report_refuses_an_occurred_at_in_the_future_with_422()
    {
        var command = new ReportIncident(Guid.NewGuid(), "t", "", "s", IncidentClass.Outage, IntakeChannel.Phone, new Reporter("r", null, null),
            false, null, global::Incidents.Domain.Sla.SlaPolicy.ContractDefault, new Actor("desk-01", "Li Na"), OccurredAt: Now.AddMinutes(5));

        var decision = IncidentDecider.Decide(command, null, Now);

        decision.Error!.Code.ShouldBe("incident.invalid-occurred-at");
        decision.Error.Kind.ShouldBe(DomainErrorKind.Unprocessable);
    }
}
