using Incidents.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Incidents.IntegrationTests.Telemetry;

/// <summary>
/// The OTLP switch: off without <c>Telemetry:Otlp:Endpoint</c> (no spans recorded, metrics only for the scrape), on with
/// it; a malformed setting stops start-up. A bare host is enough: nothing is sent anywhere.
/// </summary>
public sealed class OtlpSwitchTests
{
    private static IHost HostWith(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddHostTelemetry("tests", typeof(OtlpSwitchTests).Assembly, sources: [], meters: []);
        return builder.Build();
    }

    [Fact]
    public void without_an_endpoint_spans_are_not_recorded_but_metrics_are()
    {
        using var host = HostWith();

        host.Services.GetService<TracerProvider>().ShouldBeNull();
        host.Services.GetService<MeterProvider>().ShouldNotBeNull();
    }

    [Fact]
    public void an_endpoint_switches_on_traces()
    {
        using var host = HostWith((OtlpSwitch.EndpointKey, "http://127.0.0.1:4317"));

        host.Services.GetService<TracerProvider>().ShouldNotBeNull();
    }

    [Theory]
    [InlineData(null, OtlpExportProtocol.Grpc)]
    [InlineData("grpc", OtlpExportProtocol.Grpc)]
    [InlineData("http/protobuf", OtlpExportProtocol.HttpProtobuf)]
    public void the_protocol_is_grpc_unless_said_otherwise(string? protocol, OtlpExportProtocol expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [OtlpSwitch.EndpointKey] = "http://collector:4318",
            [OtlpSwitch.ProtocolKey] = protocol,
        }).Build();

        OtlpSwitch.Read(configuration).ShouldBe(new OtlpTarget(expected, new Uri("http://collector:4318")));
    }

    [Theory]
    [InlineData("collector:4317", null)]
    [InlineData("ftp://collector", null)]
    [InlineData("http://collector:4317", "udp")]
    public void a_malformed_setting_stops_start_up(string endpoint, string? protocol) =>
        Should.Throw<InvalidOperationException>(() => HostWith((OtlpSwitch.EndpointKey, endpoint), (OtlpSwitch.ProtocolKey, protocol ?? "")));
}
