using System.Globalization;
using System.Net.Http.Headers;

namespace Incidents.Bench;

internal sealed record Responder(string Id, string Name, string Team);

/// <summary>What one request gave back: the status, the stream version from the <c>ETag</c>, the incident id from the
/// <c>Location</c> (reports), or the error.</summary>
internal readonly record struct Outcome(int Status, int Expected, long Version, Guid Id, string? Body, Exception? Error)
{
    public bool Ok => Status == Expected;

    public string Describe()
    {
        if (Error is not null)
        {
            return $"{Error.GetType().Name}: {Error.Message}";
        }

        var body = Body ?? "";
        return $"HTTP {Status}: {(body.Length > 300 ? body[..300] + "..." : body)}";
    }

    public string Kind => Status > 0 ? Status.ToString(CultureInfo.InvariantCulture) : Error!.GetType().Name;
}

/// <summary>The HTTP side: one shared <see cref="HttpClient"/>, two bearer tokens (desk and engineer).</summary>
internal sealed class Api(HttpClient http, Uri baseUri, string deskToken, string engineerToken, Responder responder)
{
    public Responder Responder { get; } = responder;

    public Uri Incidents { get; } = new(baseUri, "/api/v1/incidents");

    public Uri Incident(Guid id, string step) => new(baseUri, $"/api/v1/incidents/{id}/{step}");

    public Task<Outcome> Post(Uri uri, byte[]? body, bool asEngineer, int expected) =>
        Send(uri, body, asEngineer ? engineerToken : deskToken, expected);

    private async Task<Outcome> Send(Uri uri, byte[]? body, string token, int expected)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            if (status != expected)
            {
                return new Outcome(status, expected, 0, Guid.Empty, await response.Content.ReadAsStringAsync(), null);
            }

            // Read (and drop) the body: the server's cost of writing it is part of the request.
            await using (var stream = await response.Content.ReadAsStreamAsync())
            {
                await stream.CopyToAsync(Stream.Null);
            }

            var version = response.Headers.ETag is { } etag
                && long.TryParse(etag.Tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
            var id = response.Headers.Location is { } location
                && Guid.TryParse(location.OriginalString[(location.OriginalString.LastIndexOf('/') + 1)..], out var g) ? g : Guid.Empty;
            return new Outcome(status, expected, version, id, null, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Outcome(0, expected, 0, Guid.Empty, null, e);
        }
    }
}
