using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests;

/// <summary>The service contract's clock as the default SLA policy (requirements: 2.2.6 standard 1, 3.1 item 3).</summary>
public sealed class SlaPolicyTests
{
    private static readonly SlaPolicy Contract = SlaPolicy.ContractDefault;

    [Fact]
    public void an_outage_must_be_acknowledged_in_5_minutes_attended_on_site_in_1_hour_and_restored_in_4_hours()
    {
        Contract.For(IncidentClass.Outage).ShouldBe(
            new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void a_major_event_must_be_acknowledged_in_1_minute_attended_on_site_in_1_hour_and_restored_in_4_hours()
    {
        Contract.For(IncidentClass.MajorEvent).ShouldBe(
            new SlaClassTargets(IncidentClass.MajorEvent, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void a_fault_must_be_acknowledged_in_5_minutes_and_attended_on_site_in_1_hour_with_no_restore_clock()
    {
        Contract.For(IncidentClass.Fault).ShouldBe(
            new SlaClassTargets(IncidentClass.Fault, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), null));
    }

    [Fact]
    public void a_security_event_must_only_be_acknowledged_in_5_minutes()
    {
        Contract.For(IncidentClass.SecurityEvent).ShouldBe(
            new SlaClassTargets(IncidentClass.SecurityEvent, TimeSpan.FromMinutes(5), null, null));
    }

    [Fact]
    public void warnings_are_raised_at_half_and_at_four_fifths_of_each_target()
    {
        Contract.WarningFractions.ShouldBe([0.5, 0.8]);
    }

    [Fact]
    public void the_contract_policy_is_named_and_versioned_so_incidents_can_record_which_clock_they_run_on()
    {
        Contract.Name.ShouldBe("contract-2026");
        Contract.Version.ShouldBe(1);
    }

    [Fact]
    public void the_contract_policy_has_exactly_one_set_of_targets_for_every_incident_class()
    {
        Contract.Targets.Select(t => t.Class).ShouldBe(Enum.GetValues<IncidentClass>(), ignoreOrder: true);
    }

    [Fact]
    public void the_contract_policy_is_one_and_the_same_snapshot_every_time_it_is_read()
    {
        SlaPolicy.ContractDefault.ShouldBeSameAs(SlaPolicy.ContractDefault);
    }

    [Theory]
    [InlineData(IncidentClass.Outage)]
    [InlineData(IncidentClass.Fault)]
    [InlineData(IncidentClass.MajorEvent)]
    [InlineData(IncidentClass.SecurityEvent)]
    public void the_targets_for_a_class_are_those_of_that_class(IncidentClass incidentClass)
    {
        Contract.For(incidentClass).Class.ShouldBe(incidentClass);
    }

    [Fact]
    public void a_class_missing_from_a_policy_has_no_clock_at_all()
    {
        var outagesOnly = new SlaPolicy(
            "outages-only",
            1,
            [new SlaClassTargets(IncidentClass.Outage, TimeSpan.FromMinutes(5), null, null)],
            [0.5]);

        outagesOnly.For(IncidentClass.SecurityEvent).ShouldBe(new SlaClassTargets(IncidentClass.SecurityEvent, null, null, null));
    }
}
