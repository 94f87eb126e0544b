using System.Text.Json;
using Incidents.Api.Clocks;
using Incidents.Api.Configuration;
using Incidents.Api.Drills; // where the drill start timer lives on main since it moved beside DrillStream
using Incidents.Api.Drills.Injecting;
using Incidents.Api.Drills.Starting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Wolverine;
using Wolverine.Runtime.Serialization;
using Wolverine.Util;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// Time in a test host, moved by the test instead of the wall clock. The host gets <see cref="Time"/> as its
/// <see cref="TimeProvider"/> (every decision reads "now" from it), and its durable timers — the clock checks
/// (<see cref="SlaCheckDue"/>), drill starts (<see cref="DrillStartDue"/>) and injects (<see cref="DrillInjectDue"/>) — are
/// run by the test at the instants the API scheduled them for (<see cref="RunDueAsync"/>), not by Wolverine's scheduler.
/// <para>
/// The clock starts years ahead of the wall clock and only moves forward, so every timer the API schedules is stored for a
/// time the real scheduler will not reach while the tests run: nothing fires behind a test's back, and a test that waits to
/// see that something does <i>not</i> happen just moves the clock and runs what fell due. It stands still between moves:
/// everything a test does between two moves happens at the same instant.
/// </para>
/// </summary>
public sealed class TestClock
{
    /// <summary>Where every test clock starts: far from the wall clock, a plain working-day morning (09:00 in Beijing).</summary>
    public static readonly DateTimeOffset Start = new(2031, 3, 4, 1, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Type> Timers = new[]
        {
            typeof(SlaCheckDue), typeof(DrillStartDue), typeof(DrillInjectDue),
            typeof(Incidents.Api.Assurance.Windows.KeyAssuranceWindowOpens), typeof(Incidents.Api.Assurance.Windows.KeyAssuranceWindowCloses),
            typeof(Incidents.Api.Assurance.Adjustments.ResourceAdjustmentCheckDue), typeof(Incidents.Api.Reports.SecurityNoticeDue),
            typeof(Incidents.Api.Duty.HandOffs.RosterHandOffDue),
        }
        .ToDictionary(t => t.ToMessageTypeName());

    private WebApplicationFactory<Program>? _host;
    private string? _database;

    public FakeTimeProvider Time { get; } = new(Start);

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The host this clock runs, and its database (where its timers are stored).</summary>
    public void Attach(WebApplicationFactory<Program> host, string database) => (_host, _database) = (host, database);

    private IMessageBus Bus => (_host ?? throw new InvalidOperationException("The clock runs no host yet (Attach)."))
        .Services.GetRequiredService<IMessageBus>();

    /// <summary>Moves the clock on, without running anything.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>Moves the clock to this instant (never back).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > Now)
        {
            Time.SetUtcNow(instant);
        }
    }

    /// <summary>
    /// Does what the durable scheduler would do between now and <paramref name="until"/>: runs each timer about
    /// <paramref name="subjects"/> (incident or drill ids) that falls due, earliest first, with the clock set to its
    /// instant; timers those runs schedule run too when they fall due in time. Ends with the clock at
    /// <paramref name="until"/>. Returns how many timers ran.
    /// </summary>
    public async Task<int> RunDueAsync(DateTimeOffset until, params Guid[] subjects)
    {
        var ran = 0;
        while (await TakeNextAsync(until, subjects) is { } timer)
        {
            MoveTo(timer.At);
            await RunAsync(timer.Message);
            ran++;
        }

        MoveTo(until);
        return ran;
    }

    /// <summary>Runs the clock check of these incidents now, as if the scheduler fired it (late, early or twice).</summary>
    public Task CheckNowAsync(params Guid[] incidents) => RunAsync(incidents.Select(id => new SlaCheckDue(id, Now)).ToArray());

    /// <summary>The timers stored and not yet run that are about this subject, earliest first.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, object Message)>> PendingAsync(Guid subject)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select execution_time, message_type, body from {Table} where {Pending} and position(convert_to(@subject, 'UTF8') in body) > 0 " +
            "order by execution_time, id", connection);
        command.Parameters.AddWithValue("types", Timers.Keys.ToArray());
        command.Parameters.AddWithValue("subject", subject.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        var pending = new List<(DateTimeOffset, object)>();
        while (await reader.ReadAsync())
        {
            pending.Add((reader.GetFieldValue<DateTimeOffset>(0), Read(reader.GetString(1), reader.GetFieldValue<byte[]>(2))));
        }

        return pending;
    }

    /// <summary>The instants of this subject's pending clock checks.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> PendingChecksAsync(Guid incidentId) =>
        (await PendingAsync(incidentId)).Where(t => t.Message is SlaCheckDue).Select(t => t.At).ToList();

    private static string Table => $"{PersistenceConfiguration.Schema}.wolverine_incoming_envelopes";

    private const string Pending = "status = 'Scheduled' and message_type = any(@types)";

    /// <summary>Takes the earliest due timer about the subjects out of Wolverine's store, as its scheduler would.</summary>
    private async Task<(DateTimeOffset At, object Message)?> TakeNextAsync(DateTimeOffset until, Guid[] subjects)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"delete from {Table} where id = (select id from {Table} where {Pending} and execution_time <= @until " +
            "and exists (select 1 from unnest(@subjects) s where position(convert_to(s, 'UTF8') in body) > 0) " +
            "order by execution_time, id limit 1) returning execution_time, message_type, body", connection);
        command.Parameters.AddWithValue("types", Timers.Keys.ToArray());
        command.Parameters.AddWithValue("until", until);
        command.Parameters.AddWithValue("subjects", subjects.Select(s => s.ToString()).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (reader.GetFieldValue<DateTimeOffset>(0), Read(reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
    }

    private static object Read(string messageType, byte[] body) =>
        JsonSerializer.Deserialize(EnvelopeSerializer.Deserialize(body).Data, Timers[messageType], JsonSerializerOptions.Web)!;

    /// <summary>
    /// Runs a timer's handler in the host, inline (<see cref="IMessageBus.InvokeAsync"/>): clock checks go to the batch handler
    /// as a batch of one, as Wolverine's batching would hand them over.
    /// </summary>
    private Task RunAsync(object message) => message switch
    {
        SlaCheckDue check => Bus.InvokeAsync(new[] { check }),
        _ => Bus.InvokeAsync(message),
    };

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(TestServices.ConnectionStringFor(_database ?? throw new InvalidOperationException("Attach first.")));
        await connection.OpenAsync();
        return connection;
    }
}
