using System.Net.Sockets;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Incidents.Api.Http;

/// <summary>
/// Which failures mean "a dependency is away for now" rather than "a bug": the database refusing or dropping connections
/// (restart, failover, pool exhausted, too many clients) and the broker being unreachable. They answer 503 with
/// <c>Retry-After</c> (<see cref="ProblemExceptionHandler"/>) so a client knows to try again; nothing was kept, because
/// the transaction that failed was never committed. Marten's own resilience pipeline has already retried the statement
/// (its default Polly retry on transient Npgsql errors) before the error reaches here.
/// </summary>
public static class TransientFaults
{
    public const string Database = "database";
    public const string Broker = "broker";

    /// <summary>Seconds a client should wait before retrying: about what a PostgreSQL restart or a broker fail-over takes.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>The dependency that is away, or null when the exception is not a transient dependency fault.</summary>
    public static string? DependencyOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsTransientState(postgres.SqlState):
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                    return Database;
                case BrokerUnreachableException or AlreadyClosedException or ConnectFailureException:
                    return Broker;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Select(DependencyOf).FirstOrDefault(d => d is not null);
            }
        }

        return null;
    }

    /// <summary>
    /// Connection exceptions (08), insufficient resources (53: too many connections, out of memory/disk) and operator
    /// intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
    /// </summary>
    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state is "57P01" or "57P02" or "57P03";
}
