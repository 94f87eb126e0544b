using Npgsql;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ are: the same variables the run script exports
/// (<c>ConnectionStrings__Marten</c>, <c>ConnectionStrings__RabbitMq</c>), else the loopback dev defaults.
/// Tests run in their own database, created fresh for each run, and on their own RabbitMQ virtual host.
/// </summary>
public static class TestServices
{
    /// <summary>The test database; <c>INCIDENTS_TEST_DATABASE</c> overrides it so two runs on one server do not collide.</summary>
    public static string TestDatabase { get; } =
        Environment.GetEnvironmentVariable("INCIDENTS_TEST_DATABASE") is { Length: > 0 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? name
            : "incidents_tests";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Marten") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents";

    /// <summary>
    /// The tests' RabbitMQ virtual host; <c>INCIDENTS_TEST_VHOST</c> overrides it. <c>scripts/test.sh</c> creates it
    /// (<c>bash infra/rabbitmq.sh vhost incidents_tests</c>).
    /// </summary>
    public static string TestVhost { get; } =
        Environment.GetEnvironmentVariable("INCIDENTS_TEST_VHOST") is { Length: > 0 } name && name != "/" ? name : "incidents_tests";

    /// <summary>
    /// The broker of <c>ConnectionStrings__RabbitMq</c> (else the loopback one), always on <see cref="TestVhost"/>:
    /// whatever vhost the variable names — the development one, "/", when a shell exported <c>infra/services.sh env</c> —
    /// the tests neither publish to nor consume from it (issue #16).
    /// </summary>
    public static string RabbitMqUri { get; } = OnVhost(
        Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") is { Length: > 0 } configured ? configured : "amqp://guest:guest@127.0.0.1:5672/",
        TestVhost);

    /// <summary>The same broker and credentials on another virtual host.</summary>
    public static string OnVhost(string uri, string vhost) =>
        new UriBuilder(uri) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri.AbsoluteUri;

    /// <summary>A connection to the tests' vhost; says how to create it when it is missing.</summary>
    public static async Task<RabbitMQ.Client.IConnection> ConnectToBrokerAsync(string clientName)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(RabbitMqUri), ClientProvidedName = clientName };
        try
        {
            return await factory.CreateConnectionAsync();
        }
        catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException e)
        {
            throw new InvalidOperationException(
                $"Cannot open RabbitMQ vhost '{TestVhost}' at {factory.HostName}:{factory.Port}. The tests run on a vhost of their own: "
                + $"run them with scripts/test.sh, or create it with `bash infra/rabbitmq.sh vhost {TestVhost}`.", e);
        }
    }

    /// <summary>The virtual host a RabbitMQ URI names, as RabbitMQ.Client reads it ("/" when the path is empty).</summary>
    public static string VhostOf(string uri) => new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(uri) }.VirtualHost;

    public static string TestDatabaseConnectionString => ConnectionStringFor(TestDatabase);

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>Drops and re-creates the test database so every run starts from nothing.</summary>
    public static Task RecreateTestDatabaseAsync() => RecreateDatabaseAsync(TestDatabase);

    /// <summary>Drops and re-creates a database of this test run (named after <see cref="TestDatabase"/>).</summary>
    public static async Task RecreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Changes the test database behind the API's back (to prove that tampering is found); returns the rows changed.</summary>
    public static Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        ExecuteOnAsync(TestDatabase, sql, parameters);

    /// <summary>The same, on another database of this test run (a test class with a database of its own).</summary>
    public static async Task<int> ExecuteOnAsync(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query against the test database, bypassing the API, to check what was really stored.</summary>
    public static async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestDatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
