using Incidents.Domain;
using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;

namespace Incidents.Domain.Tests.Kpis;

/// <summary>
/// A scripted November 2026 (Asia/Shanghai), every answer worked out by hand below. November has 30 days =
/// 2,592,000 s; the 99.99% budget is 259.2 s.
/// </summary>
public sealed class KpiCalculatorTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly KpiPeriod November = KpiPeriod.Of(KpiGranularity.Month, new DateOnly(2026, 11, 1), Shanghai);
    private static readonly DateTimeOffset AsOf = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor Desk = new("desk-01", "Li Na");

    // A: outage on "settlement", Nov 3 10:00 +08: ack +2 min, on site +30 min, restored +100 s, resolved +2 h, closed rated 5.
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    // B: fault on "portal", Nov 5: ack +7 min (breach), on site +50 min, resolved +3 h, closed rated 3.
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    // C: major event on "settlement", Nov 10: ack +40 s, on site +20 min, restored +10 min, resolved +1 h, closed rated 4.
    private static readonly Guid C = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    // D: security event on "portal", Nov 20: ack +4 min, never resolved.
    private static readonly Guid D = Guid.Parse("00000000-0000-0000-0000-00000000000d");
    // E: a drill outage on "settlement", Nov 12: ack +10 min (breach), restored +1 h.
    private static readonly Guid E = Guid.Parse("00000000-0000-0000-0000-00000000000e");
    // F: a false alarm fault, cancelled.
    private static readonly Guid F = Guid.Parse("00000000-0000-0000-0000-00000000000f");
    // G: a major event reported Oct 31 23:59 +08 (before the month) restored Nov 1 00:02 +08: 120 s of outage in November.
    private static readonly Guid G = Guid.Parse("00000000-0000-0000-0000-000000000010");

    private static DateTimeOffset Local(int month, int day, int hour, int minute, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.FromHours(8));

    private static KpiFacts Story(Guid id, IncidentClass c, string system, DateTimeOffset at, bool drill = false, params Func<DateTimeOffset, object>[] steps)
    {
        var events = new List<object>
        {
            new IncidentReported(id, "t", "d", system, c, IntakeChannel.Phone, new Reporter("r", null, null), drill, null,
                SlaPolicy.ContractDefault, Desk, at),
        };
        events.AddRange(steps.Select(s => s(at)));
        return KpiFacts.From(events)!;
    }

    private static Func<DateTimeOffset, object> Ack(Guid id, TimeSpan after) => at => new IncidentAcknowledged(id, Desk, at + after);
    private static Func<DateTimeOffset, object> Arrive(Guid id, TimeSpan after) => at => new ResponderArrivedOnSite(id, "eng", Desk, at + after);
    private static Func<DateTimeOffset, object> Restore(Guid id, TimeSpan after) => at => new ServiceRestored(id, "s", Desk, at + after);
    private static Func<DateTimeOffset, object> Resolve(Guid id, TimeSpan after) => at => new IncidentResolved(id, "s", CauseCategory.Hardware, Desk, at + after);
    private static Func<DateTimeOffset, object> Close(Guid id, TimeSpan after, int? rating) => at => new IncidentClosed(id, rating, null, Desk, at + after);
    private static Func<DateTimeOffset, object> Cancel(Guid id, TimeSpan after) => at => new IncidentCancelled(id, CancellationReason.FalseAlarm, null, "x", Desk, at + after);

    private static TimeSpan S(int s) => TimeSpan.FromSeconds(s);
    private static TimeSpan M(int m) => TimeSpan.FromMinutes(m);

    private static readonly KpiFacts[] Month =
    [
        // A: restored after 100 s (fast failover), resolved after 2 h.
        Story(A, IncidentClass.Outage, "settlement", Local(11, 3, 10, 0), false,
            Ack(A, M(2)), Arrive(A, M(30)), Restore(A, S(100)), Resolve(A, M(120)), Close(A, M(180), 5)),
        Story(B, IncidentClass.Fault, "portal", Local(11, 5, 9, 0), false,
            Ack(B, M(7)), Arrive(B, M(50)), Resolve(B, M(180)), Close(B, M(200), 3)),
        Story(C, IncidentClass.MajorEvent, "settlement", Local(11, 10, 14, 0), false,
            Ack(C, S(40)), Restore(C, M(10)), Arrive(C, M(20)), Resolve(C, M(60)), Close(C, M(90), 4)),
        Story(D, IncidentClass.SecurityEvent, "portal", Local(11, 20, 8, 0), false, Ack(D, M(4))),
        Story(E, IncidentClass.Outage, "settlement", Local(11, 12, 9, 0), true, Ack(E, M(10)), Restore(E, M(60))),
        Story(F, IncidentClass.Fault, "portal", Local(11, 25, 9, 0), false, Cancel(F, M(3))),
        Story(G, IncidentClass.MajorEvent, "settlement", Local(10, 31, 23, 59), false,
            Ack(G, S(30)), Restore(G, M(3)), Resolve(G, M(30))),
    ];

    private static KpiFigures Figures(DrillFilter drills = DrillFilter.Exclude) =>
        KpiCalculator.Compute(Month, new KpiFilter(November.From, November.To, Drills: drills), AsOf);

    [Fact]
    public void the_month_runs_from_local_midnight_in_shanghai_stored_as_utc()
    {
        November.From.ShouldBe(new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero));
        November.To.ShouldBe(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void counts_exclude_drills_and_earlier_reports_and_keep_cancelled_apart()
    {
        var f = Figures();
        f.Incidents.ShouldBe(5); // A B C D F (E is a drill, G was reported in October)
        f.Cancelled.ShouldBe(1);
        f.ByClass[IncidentClass.Fault].ShouldBe(2);
        f.IncidentIds.ShouldBe([A, B, C, D, F]);
        Figures(DrillFilter.Include).Incidents.ShouldBe(6);
        Figures(DrillFilter.Only).IncidentIds.ShouldBe([E]);
    }

    [Fact]
    public void times_to_acknowledge_are_mean_and_nearest_rank_percentiles_over_live_incidents()
    {
        // A 120 s, B 420 s, C 40 s, D 240 s: sorted 40, 120, 240, 420; mean 205; p50 rank ceil(2)=2 -> 120; p90 rank ceil(3.6)=4 -> 420.
        var t = Figures().TimeToAcknowledge;
        t.Count.ShouldBe(4);
        t.MeanSeconds.ShouldBe(205);
        t.P50Seconds.ShouldBe(120);
        t.P90Seconds.ShouldBe(420);
        // Restore: A 100 s, C 600 s -> mean 350, p50 100, p90 600.
        Figures().TimeToRestore.ShouldBe(new KpiDuration(2, 350, 100, 600));
    }

    [Fact]
    public void the_response_rate_is_acknowledge_attainment_and_names_the_breach()
    {
        // Acknowledge: A met (2 <= 5), B missed (7 > 5), C met (40 s <= 1 min), D met (4 <= 5): 3 of 4.
        var rate = Figures().FaultResponseRate;
        (rate.Numerator, rate.Denominator, rate.Value, rate.Met).ShouldBe((3, 4, 0.75, (bool?)false));
        rate.Shortfall.ShouldBe([B]);
        // On site: A 30 min met, B 50 min met, C stopped by the restoration at 10 min (met), D not applicable.
        var onSite = Figures().SlaAttainment.Single(s => s.Stage == SlaStage.OnSite);
        (onSite.Met, onSite.Missed, onSite.Running).ShouldBe((3, 0, 0));
    }

    [Fact]
    public void resolution_satisfaction_and_major_event_rates()
    {
        var f = Figures();
        // Resolved: A B C of A B C D (F cancelled): 3/4.
        (f.FaultResolutionRate.Numerator, f.FaultResolutionRate.Denominator).ShouldBe((3, 4));
        f.FaultResolutionRate.Shortfall.ShouldBe([D]);
        // Rated: A 5, B 3, C 4 -> 2 of 3 rated 4 or 5.
        (f.UserSatisfaction.Numerator, f.UserSatisfaction.Denominator).ShouldBe((2, 3));
        f.UserSatisfaction.Shortfall.ShouldBe([B]);
        // Major events reported in November: C, acknowledged in 40 s.
        (f.MajorEventResponse.Numerator, f.MajorEventResponse.Denominator, f.MajorEventResponse.Met).ShouldBe((1, 1, (bool?)true));
    }

    [Fact]
    public void availability_counts_outage_time_in_the_period_including_an_outage_reported_the_month_before()
    {
        var f = Figures();
        // settlement: G 23:59 -> 00:02, of which 00:00 -> 00:02 = 120 s in November; A 100 s; C 600 s. Total 820 s.
        var settlement = f.AvailabilityBySystem.Single(a => a.System == "settlement");
        settlement.OutageSeconds.ShouldBe(820);
        settlement.PeriodSeconds.ShouldBe(2_592_000);
        settlement.Availability.ShouldBe(1 - 820.0 / 2_592_000, 1e-12);
        settlement.Met.ShouldBeFalse();
        settlement.RemainingBudgetSeconds.ShouldBe(259.2 - 820, 1e-9);
        settlement.Outages.ShouldBe([G, A, C]);
        f.AvailabilityBySystem.Single(a => a.System == "portal").OutageSeconds.ShouldBe(0);
        f.Availability.OutageSeconds.ShouldBe(820);
    }

    [Fact]
    public void overlapping_outages_count_once()
    {
        var start = Local(11, 2, 10, 0);
        var x = Story(Guid.NewGuid(), IncidentClass.Outage, "a", start, false, Restore(Guid.Empty, M(10)));
        var y = Story(Guid.NewGuid(), IncidentClass.Outage, "b", start + M(5), false, Restore(Guid.Empty, M(10)));
        var f = KpiCalculator.Compute([x, y], new KpiFilter(November.From, November.To), AsOf);
        f.Availability.OutageSeconds.ShouldBe(900); // 10:00 -> 10:15
        f.AvailabilityBySystem.Sum(a => a.OutageSeconds).ShouldBe(1200);
    }

    [Fact]
    public void an_outage_not_yet_restored_runs_to_the_as_of_instant()
    {
        var start = Local(11, 2, 10, 0);
        var x = Story(Guid.NewGuid(), IncidentClass.Outage, "a", start);
        KpiCalculator.Compute([x], new KpiFilter(November.From, November.To), start + M(3)).Availability.OutageSeconds.ShouldBe(180);
    }

    [Fact]
    public void the_status_the_kpis_use_is_the_status_the_sla_clock_evaluates()
    {
        foreach (var facts in Month)
        {
            foreach (var at in new[] { facts.ReportedAt, facts.ReportedAt.AddSeconds(61), facts.ReportedAt.AddMinutes(6), facts.ReportedAt.AddHours(5), AsOf })
            {
                foreach (var stage in facts.Clock.Stages)
                {
                    SlaClock.StatusOf(facts.Clock, stage, at).ShouldBe(SlaClock.Evaluate(facts.Clock, stage, at).Status);
                }
            }
        }
    }

    [Fact]
    public void the_typed_line_the_database_aggregates_judges_every_stage_as_the_sla_clock_does()
    {
        var reclassified = KpiFacts.From(
        [
            new IncidentReported(B, "t", "d", "portal", IncidentClass.Fault, IntakeChannel.Phone, new Reporter("r", null, null), false, null,
                SlaPolicy.ContractDefault, Desk, Local(11, 5, 9, 0)),
            new IncidentReclassified(B, IncidentClass.Fault, IncidentClass.MajorEvent, "all hospitals", Desk, Local(11, 5, 9, 3)),
        ])!;
        foreach (var facts in Month.Append(reclassified))
        {
            var line = KpiLine.Of(facts);
            foreach (var at in new[] { facts.ReportedAt, facts.ReportedAt.AddSeconds(61), facts.ReportedAt.AddMinutes(6), facts.ReportedAt.AddHours(5), AsOf })
            {
                foreach (var stage in facts.Clock.Stages)
                {
                    var expected = SlaClock.StatusOf(facts.Clock, stage, at) switch
                    {
                        SlaStageStatus.Cancelled => SlaStageStatus.NotApplicable,
                        var status => status,
                    };
                    KpiLine.StatusAt(line[stage.Stage], at).ShouldBe(expected);
                }
            }
        }
    }

    [Fact]
    public void a_line_settles_at_its_resolution_or_one_tick_after_the_due_time_of_a_stage_still_open()
    {
        var reported = Local(11, 20, 9, 0);
        var resolved = Story(Guid.NewGuid(), IncidentClass.Fault, "portal", reported, false, Ack(A, M(2)), Arrive(A, M(30)), Resolve(A, M(90)));
        KpiLine.Of(resolved).SettledTicks.ShouldBe((reported + M(90)).UtcTicks);

        // Acknowledged, never on site or resolved: the on-site stage (1 h) breaches for good one tick after it is due.
        var open = Story(Guid.NewGuid(), IncidentClass.Fault, "portal", reported, false, Ack(A, M(2)));
        var line = KpiLine.Of(open);
        line.SettledTicks.ShouldBe((reported + TimeSpan.FromHours(1)).UtcTicks + 1);
        var settled = new DateTimeOffset(line.SettledTicks, TimeSpan.Zero);
        foreach (var stage in open.Clock.Stages)
        {
            KpiLine.StatusAt(line[stage.Stage], settled).ShouldBe(KpiLine.StatusAt(line[stage.Stage], settled.AddYears(1)));
        }
    }
}
