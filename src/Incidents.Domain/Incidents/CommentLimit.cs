using System.Collections.Immutable;

namespace Incidents.Domain.Incidents;

/// <summary>
/// The cap on comments per incident per hour (issue #14): comments are the one step anybody working an incident may
/// repeat without end, so without a cap a script could grow a stream (and every read of it) without bound. Over the cap
/// the comment is refused with <see cref="DomainErrorKind.TooMany"/> (429 with Retry-After) and nothing is stored.
/// </summary>
public static class CommentLimit
{
    public const int DefaultPerHour = 60;

    /// <summary>The highest cap that may be configured; also how many comment times an incident's state remembers.</summary>
    public const int MaxPerHour = 500;

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Adds a comment's time, keeping the latest <see cref="MaxPerHour"/>.</summary>
    public static ImmutableList<DateTimeOffset> Remember(ImmutableList<DateTimeOffset> recent, DateTimeOffset at)
    {
        var added = recent.Add(at);
        return added.Count > MaxPerHour ? added.RemoveRange(0, added.Count - MaxPerHour) : added;
    }

    /// <summary>Null while another comment fits in the hour before <paramref name="now"/>; otherwise the refusal, with when it lifts.</summary>
    public static DomainError? Check(Incident state, int perHour, DateTimeOffset now)
    {
        var inWindow = state.RecentComments.Where(at => at > now - Window).Order().ToList();
        if (inWindow.Count < perHour)
        {
            return null;
        }

        // The comment that has to leave the window before one more fits.
        var lifts = inWindow[inWindow.Count - perHour] + Window;
        return new DomainError("incident.comment-limit", "Too many comments",
            $"Incident {state.Id} already has {inWindow.Count} comments in the last hour, the most allowed is {perHour}; " +
            $"try again after {lifts:O}.", DomainErrorKind.TooMany)
        {
            RetryAfter = lifts - now,
        };
    }
}
