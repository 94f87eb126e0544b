using System.Text.Json;
using Incidents.Domain.Incidents;
using Incidents.Domain.Sla;
using static Incidents.Domain.Tests.Sla.SlaTime;

namespace Incidents.Domain.Tests.Sla;

/// <summary>A clock rebuilt from the stream gives the same answer as the clock evolved event by event.</summary>
public sealed class SlaClockRebuildTests
{
    private static readonly Dictionary<string, SlaStory> Stories = new()
    {
        ["an outage handled in time"] = SlaStory.Reported(IncidentClass.Outage)
            .CheckedAt(Seconds(150)).Acknowledged(Minutes(3)).ArrivedOnSite(Minutes(41)).Restored(Minutes(130)).Resolved(Minutes(160)),
        ["an outage never acknowledged, checked at 5 hours"] = SlaStory.Reported(IncidentClass.Outage).CheckedAt(Hours(5)),
        ["a fault reclassified to an outage"] = SlaStory.Reported(IncidentClass.Fault)
            .Acknowledged(Minutes(7)).CheckedAt(Minutes(8)).Reclassified(IncidentClass.Outage, Minutes(10)).ArrivedOnSite(Minutes(50)),
        ["an outage reclassified to a security event"] = SlaStory.Reported(IncidentClass.Outage)
            .Acknowledged(Minutes(3)).Reclassified(IncidentClass.SecurityEvent, Minutes(20)),
        ["a false alarm"] = SlaStory.Reported(IncidentClass.Outage).CheckedAt(Seconds(150)).Acknowledged(Minutes(3)).Cancelled(Minutes(12)),
        ["a reopened outage"] = SlaStory.Reported(IncidentClass.Outage)
            .Acknowledged(Minutes(3)).Restored(Minutes(20)).Resolved(Minutes(30)).Closed(Hours(2)).Reopened(Hours(3)).Restored(Hours(4)),
    };

    public static TheoryData<string> StoryNames => [.. Stories.Keys];

    private static readonly DateTimeOffset[] Instants = [T0, Seconds(150), Minutes(5), Minutes(5).AddTicks(1), Minutes(30), Hours(1), Hours(4).AddSeconds(1), T0.AddDays(10)];

    private static string Serialized(object? value) => JsonSerializer.Serialize(value);

    private static SlaClockState EvolvedOneByOne(IReadOnlyList<object> events)
    {
        SlaClockState? state = null;
        foreach (var @event in events)
        {
            state = SlaClock.Evolve(state, @event);
        }

        return state.ShouldNotBeNull();
    }

    [Theory]
    [MemberData(nameof(StoryNames))]
    public void a_clock_rebuilt_from_the_stream_equals_the_clock_evolved_one_event_at_a_time(string story)
    {
        var events = Stories[story].Events;

        var rebuilt = SlaClock.From(events).ShouldNotBeNull();
        var evolved = EvolvedOneByOne(events);

        Serialized(rebuilt).ShouldBe(Serialized(evolved));
        (rebuilt with { Stages = evolved.Stages, ClassHistory = evolved.ClassHistory }).ShouldBe(evolved);
        rebuilt.ClassHistory.ShouldBe(evolved.ClassHistory);
        rebuilt.Stages.Count.ShouldBe(evolved.Stages.Count);
        foreach (var (left, right) in rebuilt.Stages.Zip(evolved.Stages))
        {
            (left with { WarningsRaised = right.WarningsRaised }).ShouldBe(right);
            left.WarningsRaised.ShouldBe(right.WarningsRaised);
        }
    }

    [Theory]
    [MemberData(nameof(StoryNames))]
    public void a_clock_rebuilt_from_the_stream_evaluates_and_schedules_exactly_as_the_evolved_one(string story)
    {
        var events = Stories[story].Events;
        var rebuilt = SlaClock.From(events).ShouldNotBeNull();
        var evolved = EvolvedOneByOne(events);

        foreach (var now in Instants)
        {
            Serialized(SlaClock.Evaluate(rebuilt, now)).ShouldBe(Serialized(SlaClock.Evaluate(evolved, now)), $"at +{now - T0}");
            SlaClock.DueNotices(rebuilt, now).ShouldBe(SlaClock.DueNotices(evolved, now), $"at +{now - T0}");
        }

        foreach (var now in Instants)
        {
            SlaClock.NextCheckAt(rebuilt, now).ShouldBe(SlaClock.NextCheckAt(evolved, now), $"at +{now - T0}");
        }
    }

    [Fact]
    public void the_clock_rebuilt_from_the_stream_written_by_the_scheduler_equals_the_live_clock()
    {
        var story = SlaStory.Reported(IncidentClass.Fault)
            .Acknowledged(Minutes(6))
            .Reclassified(IncidentClass.Outage, Minutes(10))
            .ArrivedOnSite(Minutes(70))
            .Restored(Hours(5));
        var live = DurableScheduler.Run(story);

        var rebuilt = SlaClock.From(live.Stream).ShouldNotBeNull();

        Serialized(rebuilt).ShouldBe(Serialized(live.State));
        foreach (var now in Instants)
        {
            Serialized(SlaClock.Evaluate(rebuilt, now)).ShouldBe(Serialized(SlaClock.Evaluate(live.State, now)));
        }
    }

    [Fact]
    public void there_is_no_clock_before_the_report()
    {
        SlaClock.From([]).ShouldBeNull();
        SlaClock.From([new IncidentAcknowledged(SlaStory.IncidentId, SlaStory.DutyEngineer, Minutes(3))]).ShouldBeNull();
    }

    [Fact]
    public void the_clock_carries_what_the_report_said_about_the_incident()
    {
        var state = SlaStory.Reported(IncidentClass.MajorEvent).State;

        state.IncidentId.ShouldBe(SlaStory.IncidentId);
        state.Title.ShouldBe("Claims analysis portal unreachable");
        state.AffectedSystem.ShouldBe("claims-analysis-portal");
        state.IsDrill.ShouldBeFalse();
        state.Class.ShouldBe(IncidentClass.MajorEvent);
        state.Policy.ShouldBeSameAs(SlaPolicy.ContractDefault);
        state.StartedAt.ShouldBe(T0);
        state.CancelledAt.ShouldBeNull();
    }
}
