using System.Security.Cryptography;
using System.Text;

namespace Incidents.Api.Security.Integrity;

/// <summary>
/// The secret keys the event chain is computed with (HMAC-SHA-256), by key id. The database never holds them: someone who
/// can write to PostgreSQL can change an event, but cannot compute the link that would cover the change. New links use the
/// <see cref="ActiveId"/> key; older keys stay in the ring so links made with them still verify (rotation: add a key, make
/// it active, keep the old one). Configured in the <c>Integrity</c> section (docs/security.md):
/// <c>Integrity:ChainKeys:&lt;id&gt;</c> = base64 of at least 32 random bytes, <c>Integrity:ActiveChainKey</c> = id.
/// </summary>
public sealed class ChainKeyring
{
    public const string Section = "Integrity";
    public const string KeysSetting = "Integrity:ChainKeys";
    public const string ActiveSetting = "Integrity:ActiveChainKey";

    /// <summary>The fallback of Development and Testing when no key is configured: public, so worthless in production.</summary>
    public const string DevelopmentKeyId = "dev";

    private readonly IReadOnlyDictionary<string, byte[]> keys;

    public ChainKeyring(string activeId, IReadOnlyDictionary<string, byte[]> keys)
        : this(activeId, keys, KeysSetting, ActiveSetting)
    {
    }

    private ChainKeyring(string activeId, IReadOnlyDictionary<string, byte[]> keys, string keysSetting, string activeSetting)
    {
        if (!keys.ContainsKey(activeId))
        {
            throw new InvalidOperationException($"{activeSetting} names '{activeId}', which is not among {keysSetting}.");
        }

        foreach (var (id, key) in keys)
        {
            if (!IsValidId(id))
            {
                throw new InvalidOperationException($"Key id '{id}' of {keysSetting} must be 1–32 letters, digits, '-' or '_'.");
            }

            if (key.Length < 32)
            {
                throw new InvalidOperationException($"{keysSetting}:{id} has {key.Length} bytes; it needs at least 32 random bytes (base64).");
            }
        }

        ActiveId = activeId;
        this.keys = keys;
    }

    public string ActiveId { get; }

    public IEnumerable<string> Ids => keys.Keys;

    /// <summary>Known only from this repository: for development machines and tests, never for a real store.</summary>
    public static ChainKeyring Development { get; } = new(DevelopmentKeyId, new Dictionary<string, byte[]>
    {
        [DevelopmentKeyId] = SHA256.HashData(Encoding.UTF8.GetBytes("incidents development chain key; not a secret")),
    });

    public bool TryGet(string id, out byte[] key) => keys.TryGetValue(id, out key!);

    /// <summary>
    /// The configured ring; in Development and Testing the <see cref="Development"/> ring when none is configured. Any other
    /// environment refuses to start without keys.
    /// </summary>
    public static ChainKeyring FromConfiguration(IConfiguration configuration, string environment) =>
        FromConfiguration(configuration, environment, KeysSetting, ActiveSetting, Development);

    /// <summary>
    /// A ring configured under <paramref name="keysSetting"/> (id = base64) and <paramref name="activeSetting"/>; in
    /// Development and Testing <paramref name="development"/> when none is configured. The anchors' signing keys use it too
    /// (<see cref="ChainAnchors"/>).
    /// </summary>
    public static ChainKeyring FromConfiguration(IConfiguration configuration, string environment, string keysSetting,
        string activeSetting, ChainKeyring development)
    {
        var section = configuration.GetSection(keysSetting);
        var configured = section.GetChildren().ToDictionary(c => c.Key, c => c.Value ?? "", StringComparer.Ordinal);
        if (configured.Count == 0)
        {
            if (new[] { "Development", "Testing" }.Contains(environment, StringComparer.OrdinalIgnoreCase))
            {
                return development;
            }

            throw new InvalidOperationException(
                $"No keys in the '{environment}' environment: set {keysSetting}:<id> (base64 of 32+ random bytes, e.g. "
                + "`openssl rand -base64 32`) and " + activeSetting + ", from a secret store outside the database (docs/security.md).");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, value) in configured)
        {
            try
            {
                keys[id] = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{keysSetting}:{id} is not base64.");
            }
        }

        var active = configuration[activeSetting] is { Length: > 0 } named ? named
            : keys.Count == 1 ? keys.Keys.Single()
            : throw new InvalidOperationException($"Several chain keys are configured; {activeSetting} must name the one new links use.");
        return new ChainKeyring(active, keys, keysSetting, activeSetting);
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
