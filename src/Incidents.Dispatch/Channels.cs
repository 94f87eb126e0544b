using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Incidents.Dispatch;

/// <summary>A failure worth trying again later (network, 5xx, 429, SMTP 4xx).</summary>
public sealed class TransientDeliveryException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>A failure that no retry will fix (4xx, SMTP 5xx, bad address).</summary>
public sealed class PermanentDeliveryException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>One delivery: to whom, over what, which message.</summary>
public sealed record Delivery(string RecipientKey, Recipient Person, string Channel, string Address, WebhookTarget? Webhook,
    RenderedMessage Message, Notice Notice)
{
    /// <summary>The channel of a recipient missing from the directory: nothing can be sent, a failed receipt says why.</summary>
    public const string Unknown = "none";
}

public interface IChannelSender
{
    Task SendAsync(Delivery delivery, CancellationToken cancellation);
}

/// <summary>
/// Mail over SMTP (MailKit) on connections kept open: a small pool per lane (<c>Smtp:PoolSize</c> for bulk,
/// <c>Smtp:PagesPoolSize</c> for pages), each connection carrying one mail at a time, instead of a connect, EHLO and QUIT
/// per mail. A connection the server closed while idle is replaced once, transparently.
/// </summary>
public sealed class EmailSender(IOptions<DispatchOptions> options) : IChannelSender, IAsyncDisposable
{
    private readonly SmtpConnections _bulk = new(options.Value.Smtp, options.Value.Smtp.PoolSize);
    private readonly SmtpConnections _pages = new(options.Value.Smtp, options.Value.Smtp.PagesPoolSize);

    public async Task SendAsync(Delivery delivery, CancellationToken cancellation)
    {
        var smtp = options.Value.Smtp;
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(smtp.From));
        mail.To.Add(new MailboxAddress(delivery.Person.Name, delivery.Address));
        mail.Subject = delivery.Message.Subject;
        mail.Headers.Add("X-Incident-Id", delivery.Notice.IncidentId.ToString());
        mail.Headers.Add("X-Incident-Trigger", delivery.Notice.Trigger);
        mail.Body = new TextPart("plain") { Text = delivery.Message.Body };

        try
        {
            await (delivery.Notice.IsPage ? _pages : _bulk).SendAsync(mail, cancellation);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            throw new PermanentDeliveryException($"smtp {(int)e.StatusCode}: {e.Message}", e);
        }
        catch (Exception e) when (SmtpConnections.IsTransient(e))
        {
            throw new TransientDeliveryException($"smtp: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _bulk.DisposeAsync();
        await _pages.DisposeAsync();
    }
}

/// <summary>A bounded pool of open SMTP connections: at most <c>size</c> mails in flight, connections reused.</summary>
public sealed class SmtpConnections(SmtpSettings smtp, int size) : IAsyncDisposable
{
    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private readonly SemaphoreSlim _slots = new(size, size);

    public static bool IsTransient(Exception e) => e is SmtpCommandException or SmtpProtocolException or IOException or TimeoutException
        or System.Net.Sockets.SocketException or ServiceNotConnectedException;

    public async Task SendAsync(MimeMessage mail, CancellationToken cancellation)
    {
        await _slots.WaitAsync(cancellation);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = _idle.TryTake(out var client);
                client ??= new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
                try
                {
                    if (!client.IsConnected)
                    {
                        reused = false;
                        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None,
                            cancellation);
                        if (!string.IsNullOrEmpty(smtp.UserName))
                        {
                            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellation);
                        }
                    }

                    await client.SendAsync(mail, cancellation);
                    if (smtp.ReuseConnections)
                    {
                        _idle.Add(client);
                    }
                    else
                    {
                        await client.DisconnectAsync(true, cancellation);
                        client.Dispose();
                    }

                    return;
                }
                catch (Exception e) when (reused && attempt == 0 && e is IOException or SmtpProtocolException or ServiceNotConnectedException
                                              or System.Net.Sockets.SocketException)
                {
                    // The server closed a connection that sat idle in the pool: once more on a fresh one.
                    client.Dispose();
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(true);
                }
            }
            catch (Exception e) when (IsTransient(e))
            {
                // closing anyway
            }

            client.Dispose();
        }
    }
}

/// <summary>
/// Webhooks. generic: the notice as JSON, signed with HMAC-SHA256 of the body (header X-Incidents-Signature:
/// sha256=hex). wecom/dingtalk: {"msgtype":"text","text":{"content":...}}; feishu: {"msg_type":"text","content":{"text":...}}.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory http) : IChannelSender
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SendAsync(Delivery delivery, CancellationToken cancellation)
    {
        var hook = delivery.Webhook ?? throw new PermanentDeliveryException("no webhook");
        var text = delivery.Message.Subject + "\n" + delivery.Message.Body;
        object payload = hook.Kind switch
        {
            "wecom" or "dingtalk" => new { msgtype = "text", text = new { content = text } },
            "feishu" => new { msg_type = "text", content = new { text } },
            _ => new
            {
                incidentId = delivery.Notice.IncidentId,
                trigger = delivery.Notice.Trigger,
                sourceVersion = delivery.Notice.SourceVersion,
                @class = delivery.Notice.Class,
                affectedSystem = delivery.Notice.AffectedSystem,
                isDrill = delivery.Notice.IsDrill,
                clockState = delivery.Notice.ClockState,
                recipient = delivery.RecipientKey,
                subject = delivery.Message.Subject,
                body = delivery.Message.Body,
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (hook.Kind == "generic" && hook.Secret is { Length: > 0 } secret)
        {
            request.Headers.Add("X-Incidents-Signature", "sha256=" + Sign(secret, body));
        }

        request.Headers.Add("X-Incidents-Delivery", delivery.Notice.DeliveryKey(delivery.RecipientKey, delivery.Channel));
        await Post(http.CreateClient("dispatch"), request, cancellation);
    }

    public static string Sign(string secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    internal static async Task Post(HttpClient client, HttpRequestMessage request, CancellationToken cancellation)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new TransientDeliveryException($"http: {e.Message}", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
            {
                throw new TransientDeliveryException($"http {status}");
            }

            throw new PermanentDeliveryException($"http {status}");
        }
    }
}

/// <summary>SMS through a configurable HTTP gateway: POST {"phone","text"} with an optional bearer API key.</summary>
public sealed class SmsSender(IHttpClientFactory http, IOptions<DispatchOptions> options) : IChannelSender
{
    public async Task SendAsync(Delivery delivery, CancellationToken cancellation)
    {
        var sms = options.Value.Sms;
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Url)
        {
            Content = JsonContent.Create(new { phone = delivery.Address, text = delivery.Message.Short }),
        };
        if (!string.IsNullOrEmpty(sms.ApiKey))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sms.ApiKey);
        }

        await WebhookSender.Post(http.CreateClient("dispatch"), request, cancellation);
    }
}
