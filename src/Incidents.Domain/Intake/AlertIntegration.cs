using System.Security.Cryptography;
using System.Text;
using Incidents.Domain.Incidents;

namespace Incidents.Domain.Intake;

/// <summary>What sends alarms through an integration: Prometheus Alertmanager's webhook, or the generic events API.</summary>
public enum IntegrationKind
{
    Alertmanager,
    Generic,
}

/// <summary>One rule of the class mapping: an alert whose <see cref="Label"/> equals <see cref="Value"/> opens an incident of <see cref="Class"/>.</summary>
public sealed record ClassRule(string Label, string Value, IncidentClass Class);

/// <summary>
/// How an integration's alerts become incidents (docs/intake.md): which label names the affected system, which labels
/// decide the class (first matching rule wins, else <see cref="DefaultClass"/>), how long one system's alerts fold into
/// one incident, how many incidents a storm may open, and whether "resolved" also records the service restored.
/// </summary>
public sealed record AlertMapping(
    string SystemLabel,
    string? DefaultSystem,
    IReadOnlyList<ClassRule> ClassRules,
    IncidentClass DefaultClass,
    TimeSpan GroupingWindow,
    int StormLimit,
    TimeSpan StormWindow,
    bool ResolvedRecordsRestored)
{
    public static readonly AlertMapping Default = new("service", null,
        [new ClassRule("severity", "critical", IncidentClass.Outage)], IncidentClass.Fault,
        TimeSpan.FromMinutes(10), 5, TimeSpan.FromMinutes(10), false);

    /// <summary>The affected system an alert with these labels names, or null when neither the label nor a default gives one.</summary>
    public string? SystemOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(SystemLabel, out var system) && !string.IsNullOrWhiteSpace(system) ? system.Trim() : DefaultSystem;

    public IncidentClass ClassOf(IReadOnlyDictionary<string, string> labels) =>
        ClassRules.FirstOrDefault(r => labels.TryGetValue(r.Label, out var v) && string.Equals(v, r.Value, StringComparison.OrdinalIgnoreCase))?.Class
        ?? DefaultClass;

    /// <summary>What is wrong with this mapping, if anything (empty when it is usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(SystemLabel) || SystemLabel.Length > AlertLimits.LabelName)
        {
            yield return $"systemLabel must be 1 to {AlertLimits.LabelName} characters.";
        }

        if (GroupingWindow < TimeSpan.Zero || GroupingWindow > TimeSpan.FromDays(1))
        {
            yield return "groupingWindow must be between PT0S and P1D.";
        }

        if (StormLimit is < 1 or > 1000)
        {
            yield return "stormLimit must be between 1 and 1000.";
        }

        if (StormWindow <= TimeSpan.Zero || StormWindow > TimeSpan.FromDays(1))
        {
            yield return "stormWindow must be more than PT0S and at most P1D.";
        }

        if (ClassRules.Count > 50)
        {
            yield return "At most 50 class rules.";
        }
    }
}

/// <summary>The caps on what one alert may carry (400 beyond them, docs/intake.md).</summary>
public static class AlertLimits
{
    public const int Labels = 64;
    public const int LabelName = 128;
    public const int LabelValue = 1024;
    public const int LabelBytes = 16 * 1024;
    public const int DedupKey = 255;
    public const int AlertsPerRequest = 1000;

    /// <summary>Clock skew tolerated on startsAt/occurredAt; anything further in the future is refused.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>How far before the report an occurred-at may lie.</summary>
    public static readonly TimeSpan OccurredAtReach = TimeSpan.FromDays(7);
}

public interface IAlertIntegrationEvent
{
    Guid IntegrationId { get; }

    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>An integration was set up; only the hash of its key is kept (the key itself was shown once).</summary>
public sealed record AlertIntegrationCreated(Guid IntegrationId, string Name, IntegrationKind Kind, AlertMapping Mapping,
    string KeyHash, Actor By, DateTimeOffset At) : IAlertIntegrationEvent;

public sealed record AlertIntegrationMappingChanged(Guid IntegrationId, AlertMapping Mapping, Actor By, DateTimeOffset At) : IAlertIntegrationEvent;

/// <summary>A new key replaced the old one, which stops working at once.</summary>
public sealed record AlertIntegrationKeyRotated(Guid IntegrationId, string KeyHash, Actor By, DateTimeOffset At) : IAlertIntegrationEvent;

/// <summary>The key was revoked: no caller is admitted until a new key is rotated in.</summary>
public sealed record AlertIntegrationKeyRevoked(Guid IntegrationId, string Reason, Actor By, DateTimeOffset At) : IAlertIntegrationEvent;

public static class AlertIntegrationEventTypes
{
    public static readonly Type[] All =
        [typeof(AlertIntegrationCreated), typeof(AlertIntegrationMappingChanged), typeof(AlertIntegrationKeyRotated), typeof(AlertIntegrationKeyRevoked)];
}

/// <summary>The write model of one integration.</summary>
public sealed record AlertIntegration(Guid Id, string Name, IntegrationKind Kind, AlertMapping Mapping, string? KeyHash, int KeyVersion)
{
    /// <summary>The actor every alert event of this integration records.</summary>
    public Actor Actor => new($"integration:{Id}", Name);

    public static AlertIntegration? Evolve(AlertIntegration? state, object @event) => (state, @event) switch
    {
        (_, AlertIntegrationCreated e) => new(e.IntegrationId, e.Name, e.Kind, e.Mapping, e.KeyHash, 1),
        (null, _) => null,
        (var s, AlertIntegrationMappingChanged e) => s with { Mapping = e.Mapping },
        (var s, AlertIntegrationKeyRotated e) => s with { KeyHash = e.KeyHash, KeyVersion = s.KeyVersion + 1 },
        (var s, AlertIntegrationKeyRevoked) => s with { KeyHash = null },
        (var s, _) => s,
    };
}

/// <summary>
/// Integration keys: random, shown once, stored as SHA-256 (they carry 256 bits of entropy, so a slow password hash adds
/// nothing). <see cref="Admits"/> is the one grant check every intake request passes — a later rule (an approval, an
/// expiry) belongs there and nowhere else.
/// </summary>
public static class IntegrationKeys
{
    public const string Prefix = "ik_";

    public static string NewKey() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>True when <paramref name="presented"/> is the integration's current key and the key is not revoked.</summary>
    public static bool Admits(AlertIntegration integration, string? presented)
    {
        if (integration.KeyHash is not { } stored || string.IsNullOrEmpty(presented) || presented.Length > 200)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(stored));
    }
}

public sealed record CreateAlertIntegration(Guid IntegrationId, string Name, IntegrationKind Kind, AlertMapping Mapping, string KeyHash, Actor By);

public sealed record ChangeAlertMapping(AlertMapping Mapping, Actor By);

public sealed record RotateIntegrationKey(string KeyHash, Actor By);

public sealed record RevokeIntegrationKey(string Reason, Actor By);

/// <summary>The admin's decisions on an integration.</summary>
public static class AlertIntegrationDecider
{
    public static Decision Decide(CreateAlertIntegration command, DateTimeOffset now) =>
        command.Mapping.Problems().FirstOrDefault() is { } problem
            ? IntegrationErrors.InvalidMapping(problem)
            : Decision.Accept(new AlertIntegrationCreated(command.IntegrationId, command.Name, command.Kind, command.Mapping,
                command.KeyHash, command.By, now));

    public static Decision Decide(ChangeAlertMapping command, AlertIntegration state, DateTimeOffset now) =>
        command.Mapping.Problems().FirstOrDefault() is { } problem
            ? IntegrationErrors.InvalidMapping(problem)
            : Decision.Accept(new AlertIntegrationMappingChanged(state.Id, command.Mapping, command.By, now));

    public static Decision Decide(RotateIntegrationKey command, AlertIntegration state, DateTimeOffset now) =>
        Decision.Accept(new AlertIntegrationKeyRotated(state.Id, command.KeyHash, command.By, now));

    public static Decision Decide(RevokeIntegrationKey command, AlertIntegration state, DateTimeOffset now) =>
        state.KeyHash is null
            ? IntegrationErrors.AlreadyRevoked(state.Id)
            : Decision.Accept(new AlertIntegrationKeyRevoked(state.Id, command.Reason, command.By, now));
}

public static class IntegrationErrors
{
    public static DomainError NotFound(Guid id) =>
        new("integration.not-found", "Integration not found", $"No integration with id {id} exists.", DomainErrorKind.NotFound);

    public static DomainError InvalidMapping(string problem) =>
        new("integration.invalid-mapping", "Invalid mapping", problem, DomainErrorKind.Unprocessable);

    public static DomainError AlreadyRevoked(Guid id) =>
        new("integration.key-revoked", "Key already revoked", $"The key of integration {id} is already revoked; rotate to issue a new one.");
}
