namespace Incidents.Contracts;

/// <summary>
/// A checkpoint of every event chain's head was taken and written to the append-only anchor log (docs/security.md).
/// <c>Signature</c> is the checkpoint's MAC (<c>keyId:hex</c>) over its sequence, time, the previous checkpoint's signature
/// and every head; <c>Previous</c> chains checkpoints together. Whoever keeps these messages holds, outside the database, what
/// the log must still say: a log rewritten afterwards no longer matches them.
/// </summary>
public sealed record ChainAnchored(
    long Sequence,
    DateTimeOffset TakenAt,
    int Streams,
    string Previous,
    string Signature);
