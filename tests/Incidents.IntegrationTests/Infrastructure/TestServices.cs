using Npgsql;

namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ are: the same variables the run script exports
/// (<c>ConnectionStrings__Marten</c>, <c>ConnectionStrings__RabbitMq</c>), else the loopback dev defaults.
/// Tests run in their own database, created fresh for each run.
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

    public static string RabbitMqUri =>
        Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") is { Length: > 0 } configured
            ? configured
            : "amqp://guest:guest@127.0.0.1:5672/";

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
    public static async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestDatabaseConnectionString);
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
