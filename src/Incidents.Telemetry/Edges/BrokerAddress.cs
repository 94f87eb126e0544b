namespace Incidents.Telemetry.Edges;

/// <summary>
/// The RabbitMQ connection string (<c>ConnectionStrings:RabbitMq</c>) as every client of this system reads it (issue #14):
/// <c>amqps://</c> means TLS (port 5671 unless given), <c>amqp://</c> plain text (5672); the user and password come from
/// the URI, and a URI without a user is refused outside Development instead of quietly falling back to <c>guest</c>.
/// </summary>
public sealed record BrokerAddress(string Host, int Port, string VirtualHost, string UserName, string Password, bool UseTls)
{
    public const string Setting = "ConnectionStrings:RabbitMq";

    /// <summary>Reads <paramref name="uri"/>; throws a message naming the setting when it cannot be used in <paramref name="environment"/>.</summary>
    public static BrokerAddress Parse(string? uri, string environment)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new InvalidOperationException($"{Setting} is not configured.");
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps") || parsed.Host.Length == 0)
        {
            throw new InvalidOperationException($"{Setting} must be an amqp:// or amqps:// URI (amqps://user:password@host:5671/vhost).");
        }

        var tls = parsed.Scheme == "amqps";
        var separator = parsed.UserInfo.IndexOf(':');
        var user = Uri.UnescapeDataString(separator < 0 ? parsed.UserInfo : parsed.UserInfo[..separator]);
        var password = separator < 0 ? "" : Uri.UnescapeDataString(parsed.UserInfo[(separator + 1)..]);
        if (user.Length == 0)
        {
            if (!string.Equals(environment, AuthSettings.DevelopmentEnvironment, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"{Setting} names no user in the '{environment}' environment. Give the service its own broker user in the URI " +
                    "(amqps://incidents-api:<password>@host/vhost, infra/rabbitmq.sh users); only Development falls back to guest.");
            }

            (user, password) = ("guest", "guest");
        }

        var vhost = parsed.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
        return new BrokerAddress(parsed.Host, parsed.Port > 0 ? parsed.Port : tls ? 5671 : 5672, vhost, user, password, tls);
    }

    /// <summary>The address as a URI with the user spelled out (for RabbitMQ.Client's <c>ConnectionFactory.Uri</c>, which honours amqps).</summary>
    public Uri ToUri() => new(
        $"{(UseTls ? "amqps" : "amqp")}://{Uri.EscapeDataString(UserName)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/" +
        (VirtualHost == "/" ? "" : Uri.EscapeDataString(VirtualHost)));

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{UserName}@{Host}:{Port}/{VirtualHost}";
}
