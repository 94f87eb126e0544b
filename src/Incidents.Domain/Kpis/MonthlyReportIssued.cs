namespace Incidents.Domain.Kpis;

/// <summary>
/// The monthly service report on <see cref="Month"/> (yyyy-MM) was issued: due on <see cref="DueDate"/> (5th working
/// day of the next month on the official calendar), on time when issued on or before that day in the service's time
/// zone. <see cref="Position"/> is the event-store sequence the figures were computed at, <see cref="AsOf"/> the instant
/// they were judged at: asking for the report again with both gives the same numbers.
/// </summary>
public sealed record MonthlyReportIssued(
    string Month,
    DateOnly DueDate,
    bool Provisional,
    bool OnTime,
    long Position,
    DateTimeOffset AsOf,
    Actor By,
    DateTimeOffset At);

public static class MonthlyReports
{
    /// <summary>Each month's reports live in one stream whose id is derived from the month.</summary>
    public static Guid StreamId(string month)
    {
        var bytes = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("incidents:monthly-report:" + month));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x30);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
