namespace Incidents.Domain;

/// <summary>How a refused decision should be told to the caller. The rule that refuses decides its kind.</summary>
public enum DomainErrorKind
{
    /// <summary>The thing asked for does not exist.</summary>
    NotFound,

    /// <summary>The request is well-formed but conflicts with the current state (a refused transition).</summary>
    Conflict,

    /// <summary>The request is well-formed but its content breaks a business rule.</summary>
    Unprocessable,

    /// <summary>The request is well-formed but over a limit that lifts with time (<see cref="DomainError.RetryAfter"/>).</summary>
    TooMany,
}

/// <summary>A business rejection: a stable machine-readable code, a short title and a human explanation.</summary>
public sealed record DomainError(string Code, string Title, string Detail, DomainErrorKind Kind = DomainErrorKind.Conflict)
{
    /// <summary>The request field the refusal is about (JSON path, <c>layers[0].handOff</c>), when there is one.</summary>
    public string? Field { get; init; }

    /// <summary>For <see cref="DomainErrorKind.TooMany"/>: when the limit lifts.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The outcome of a decider: either the new events to append, or the reason the command was refused.</summary>
public sealed class Decision
{
    private Decision(IReadOnlyList<object> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<object> Events { get; }

    public DomainError? Error { get; }

    public bool IsAccepted => Error is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(DomainError error) => new([], error);

    public static implicit operator Decision(DomainError error) => Reject(error);
}
