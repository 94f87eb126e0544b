using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Incidents.Api.Security.Integrity;

/// <summary>One stream's chain head as a checkpoint recorded it.</summary>
public sealed record AnchoredHead(Guid Id, long Version, string Hash);

/// <summary>
/// A signed checkpoint of every chain head (<see cref="ChainAnchors"/>): its place in the log, when it was taken, the
/// signature of the checkpoint before it (empty for the first), the heads in stream id order (PostgreSQL's uuid order) and
/// its own signature, <c>keyId:hex</c>, an HMAC-SHA-256 under an anchor key (<see cref="ChainAnchors.KeysSetting"/>).
/// </summary>
public sealed record AnchorCheckpoint(long Sequence, DateTimeOffset TakenAt, string Previous, IReadOnlyList<AnchoredHead> Heads, string Signature)
{
    private Dictionary<Guid, AnchoredHead>? byId;

    /// <summary>The head this checkpoint recorded for a stream; null when the stream was not anchored (newer, or had no head).</summary>
    public AnchoredHead? HeadOf(Guid id) => (byId ??= Heads.ToDictionary(h => h.Id)).GetValueOrDefault(id);

    /// <summary>The bytes the signature covers: fixed text, not JSON, so nothing about a serializer can change them.</summary>
    public static byte[] SignedText(long sequence, DateTimeOffset takenAt, string previous, IEnumerable<AnchoredHead> heads)
    {
        var text = new StringBuilder()
            .Append("incidents-anchor-v1\n").Append(sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(takenAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append('\n').Append(previous).Append('\n');
        foreach (var head in heads)
        {
            text.Append(head.Id.ToString("D")).Append(' ').Append(head.Version.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(head.Hash).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The signature under the key of this id; null when the ring does not hold it.</summary>
    public static string? Sign(ChainKeyring ring, string keyId, long sequence, DateTimeOffset takenAt, string previous,
        IEnumerable<AnchoredHead> heads) =>
        ring.TryGet(keyId, out var key)
            ? $"{keyId}:{Convert.ToHexStringLower(HMACSHA256.HashData(key, SignedText(sequence, takenAt, previous, heads)))}"
            : null;
}

/// <summary>What the log says: its last sound checkpoint, and what is wrong with it, if anything.</summary>
public sealed record AnchorReading(AnchorCheckpoint? Latest, int Checkpoints, string? Problem);

/// <summary>
/// The append-only anchor log outside PostgreSQL: one JSON line per checkpoint in <c>anchors.jsonl</c> of a directory
/// (<see cref="ChainAnchors.DirectorySetting"/>). Each line is signed and names the signature of the line before it, so a
/// line changed, removed or inserted later breaks the log from there on; reading it checks every line. Writers (API nodes
/// sharing the directory) take an exclusive lock on <c>anchors.lock</c>, so checkpoints never fork.
/// </summary>
public sealed class AnchorLog(string directory, ChainKeyring keys)
{
    public const string FileName = "anchors.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock gate = new();
    private (long Length, DateTime Written, AnchorReading Reading)? cached;

    public string Directory { get; } = directory;

    public string FilePath => Path.Combine(Directory, FileName);

    /// <summary>The log as it stands, every line checked; re-read only when the file changed since the last reading.</summary>
    public AnchorReading Read()
    {
        var file = new FileInfo(FilePath);
        if (!file.Exists)
        {
            return new AnchorReading(null, 0, null);
        }

        lock (gate)
        {
            if (cached is { } seen && seen.Length == file.Length && seen.Written == file.LastWriteTimeUtc)
            {
                return seen.Reading;
            }

            var reading = ReadAll();
            cached = (file.Length, file.LastWriteTimeUtc, reading);
            return reading;
        }
    }

    /// <summary>
    /// Appends the checkpoint made by <paramref name="next"/> from the last one, under the writers' lock. Refuses when the log
    /// does not verify: continuing it would sign over whatever was changed in it.
    /// </summary>
    public async Task<AnchorCheckpoint> AppendAsync(Func<AnchorCheckpoint?, Task<AnchorCheckpoint>> next, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await using var writers = await LockAsync(ct);
        var reading = ReadAll();
        if (reading.Problem is { } problem)
        {
            throw new InvalidOperationException($"The anchor log {FilePath} does not verify ({problem}); no checkpoint is added to it.");
        }

        var checkpoint = await next(reading.Latest);
        var line = JsonSerializer.Serialize(new Line(checkpoint.Sequence, checkpoint.TakenAt, checkpoint.Previous,
            checkpoint.Heads.Select(h => new LineHead(h.Id, h.Version, h.Hash)).ToList(), checkpoint.Signature), Json) + "\n";
        await using (var log = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            await log.WriteAsync(Encoding.UTF8.GetBytes(line), ct);
            log.Flush(flushToDisk: true);
        }

        return checkpoint;
    }

    private async Task<FileStream> LockAsync(CancellationToken ct)
    {
        var path = Path.Combine(Directory, "anchors.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 100)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    private AnchorReading ReadAll()
    {
        if (!File.Exists(FilePath))
        {
            return new AnchorReading(null, 0, null);
        }

        AnchorCheckpoint? latest = null;
        var count = 0;
        using var reader = new StreamReader(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } text)
        {
            count++;
            if (text.Length == 0)
            {
                continue;
            }

            Line? line;
            try
            {
                line = JsonSerializer.Deserialize<Line>(text, Json);
            }
            catch (JsonException)
            {
                line = null;
            }

            if (line is null)
            {
                return new AnchorReading(latest, count, $"line {count} is not a checkpoint");
            }

            var heads = (line.Heads ?? []).Select(h => new AnchoredHead(h.Id, h.Version, h.Hash ?? "")).ToList();
            var expected = EventChain.KeyIdOf(line.Signature ?? "") is { } keyId
                ? AnchorCheckpoint.Sign(keys, keyId, line.Sequence, line.TakenAt, line.Previous ?? "", heads)
                : null;
            var problem = expected is null ? $"checkpoint {line.Sequence} names a signing key this API does not hold"
                : !string.Equals(expected, line.Signature, StringComparison.Ordinal) ? $"checkpoint {line.Sequence} does not match its signature"
                : line.Sequence != (latest?.Sequence ?? 0) + 1 ? $"checkpoint {line.Sequence} follows checkpoint {latest?.Sequence ?? 0}"
                : !string.Equals(line.Previous ?? "", latest?.Signature ?? "", StringComparison.Ordinal)
                    ? $"checkpoint {line.Sequence} does not name the signature of the checkpoint before it"
                : null;
            if (problem is not null)
            {
                return new AnchorReading(latest, count, $"line {count}: {problem}");
            }

            latest = new AnchorCheckpoint(line.Sequence, line.TakenAt, line.Previous ?? "", heads, line.Signature!);
        }

        return new AnchorReading(latest, count, null);
    }

    private sealed record Line(long Sequence, DateTimeOffset TakenAt, string? Previous, List<LineHead>? Heads, string? Signature);

    private sealed record LineHead(Guid Id, long Version, string? Hash);
}
