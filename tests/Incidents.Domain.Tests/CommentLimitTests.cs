using Incidents.Domain.Incidents;
using static Incidents.Domain.Incidents.IncidentStatus;
using static Incidents.Domain.Tests.Hotline;
using static Incidents.Domain.Tests.IncidentHistory;

namespace Incidents.Domain.Tests;

/// <summary>The cap on comments per incident per hour (issue #14): decided from the incident's state and the clock.</summary>
public sealed class CommentLimitTests
{
    private static Decision Comment(Incident state, DateTimeOffset now, int perHour = 2) =>
        IncidentDecider.Decide(new CommentOnIncident(Guid.NewGuid(), "Noted.", Someone, perHour), state, now);

    [Fact]
    public void a_comment_over_the_hourly_cap_is_refused_until_the_oldest_in_the_hour_leaves_it()
    {
        var state = StateOf(Acknowledged);
        state = state.Evolved(Comment(state, Now));
        state = state.Evolved(Comment(state, Now.AddMinutes(15)));

        var refused = Comment(state, Now.AddMinutes(30)).ShouldBeRefused("incident.comment-limit", DomainErrorKind.TooMany);
        refused.RetryAfter.ShouldBe(TimeSpan.FromMinutes(30), "the first comment leaves the hour 30 minutes later");

        Comment(state, Now.AddMinutes(60)).IsAccepted.ShouldBeTrue("an hour after the first, one more fits");
        Comment(state, Now.AddMinutes(30), perHour: 3).IsAccepted.ShouldBeTrue("the cap is configuration");
    }

    [Fact]
    public void the_state_remembers_only_as_many_comment_times_as_the_highest_cap()
    {
        var state = StateOf(Resolved);
        for (var i = 0; i < CommentLimit.MaxPerHour + 5; i++)
        {
            state = state.Evolved(Comment(state, Now.AddHours(i), perHour: CommentLimit.MaxPerHour));
        }

        state.RecentComments.Count.ShouldBe(CommentLimit.MaxPerHour);
    }
}
