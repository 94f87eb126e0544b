using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Incidents.Telemetry;

/// <summary>
/// Sends traces, metrics and logs to an OpenTelemetry collector when <c>Telemetry:Otlp:Endpoint</c> is set, and to
/// nowhere when it is empty (the default): Prometheus scrapes <c>/metrics</c> either way. <c>Telemetry:Otlp:Protocol</c>
/// is <c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318; the signal paths are appended).
/// </summary>
public static class OtlpSwitch
{
    public const string EndpointKey = "Telemetry:Otlp:Endpoint";
    public const string ProtocolKey = "Telemetry:Otlp:Protocol";

    public static void Apply(IOpenTelemetryBuilder telemetry, IConfiguration configuration)
    {
        if (configuration[EndpointKey] is not { Length: > 0 } endpoint)
        {
            return;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"{EndpointKey} '{endpoint}' is not an absolute URL (e.g. http://127.0.0.1:4317).");
        }

        telemetry.UseOtlpExporter(Protocol(configuration[ProtocolKey]), uri);
    }

    private static OtlpExportProtocol Protocol(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{ProtocolKey} '{name}' is not grpc or http/protobuf."),
    };
}
