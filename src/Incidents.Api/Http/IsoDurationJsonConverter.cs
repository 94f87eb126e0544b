using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Incidents.Api.Http;

/// <summary>Durations leave and enter the API as ISO 8601 (<c>PT5M</c>, <c>PT4H</c>), everywhere.</summary>
public sealed class IsoDurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("A duration must be an ISO 8601 string such as PT5M.");
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException exception)
        {
            throw new JsonException($"'{text}' is not an ISO 8601 duration such as PT5M.", exception);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(XmlConvert.ToString(value));
}
