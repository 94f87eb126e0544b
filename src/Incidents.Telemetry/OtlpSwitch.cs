using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Incidents.Telemetry;

/// <summary>Where to send telemetry over OTLP.</summary>
public sealed record OtlpTarget(OtlpExportProtocol Protocol, Uri Endpoint);

/// <summary>
/// Traces, metrics and logs go to an OpenTelemetry collector when <c>Telemetry:Otlp:Endpoint</c> is set, and nowhere
/// when it is empty (the default); Prometheus scrapes <c>/metrics</c> either way. <c>Telemetry:Otlp:Protocol</c> is
/// <c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318; the signal paths are appended).
/// </summary>
public static class OtlpSwitch
{
    public const string EndpointKey = "Telemetry:Otlp:Endpoint";
    public const string ProtocolKey = "Telemetry:Otlp:Protocol";

    /// <summary>The configured target, or null when OTLP is off. A malformed setting stops start-up rather than telemetry.</summary>
    public static OtlpTarget? Read(IConfiguration configuration)
    {
        if (configuration[EndpointKey] is not { Length: > 0 } endpoint)
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{EndpointKey} '{endpoint}' is not an http(s) URL (e.g. http://127.0.0.1:4317).");
        }

        return new OtlpTarget(Protocol(configuration[ProtocolKey]), uri);
    }

    private static OtlpExportProtocol Protocol(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{ProtocolKey} '{name}' is not grpc or http/protobuf."),
    };
}
