using System.Net;
using System.Net.Sockets;
using System.Text;

// A minimal SMTP sink (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; PIPELINING advertised) that runs
// as its own process, so the worker delivers over real TCP to a real server and the measured figures include it.
// Recipients whose address starts with "reject" are refused (550), so tests can see a permanent failure. The first RCPT
// for an address starting with "hold" is never answered (the sink prints "HELD <address>"), so a test can kill a worker
// in the middle of a delivery; later RCPTs for that address are answered as usual.
var port = args.Length > 1 && args[0] == "--port" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var listener = new TcpListener(IPAddress.Loopback, port);
listener.Start(backlog: 512);
var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
var gate = new object();
var held = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
void Say(string line)
{
    lock (gate)
    {
        output.WriteLine(line);
        output.Flush();
    }
}

Say($"LISTENING {((IPEndPoint)listener.LocalEndpoint).Port}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

try
{
    while (!stop.IsCancellationRequested)
    {
        var client = await listener.AcceptTcpClientAsync(stop.Token);
        _ = Task.Run(() => Serve(client, stop.Token));
    }
}
catch (OperationCanceledException)
{
}

async Task Serve(TcpClient client, CancellationToken cancellation)
{
    using var _ = client;
    client.NoDelay = true;
    var stream = client.GetStream();
    using var reader = new StreamReader(stream, Encoding.UTF8);
    using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = false };
    async Task Reply(string text)
    {
        await writer.WriteLineAsync(text);
        await writer.FlushAsync(cancellation);
    }

    try
    {
        await Reply("220 incidents-smtp-sink ready");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await Reply("250-incidents-smtp-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760");
                    break;
                case "HELO":
                    await Reply("250 incidents-smtp-sink");
                    break;
                case "MAIL":
                    recipients.Clear();
                    await Reply("250 OK");
                    break;
                case "RCPT":
                    // A mailbox that does not exist, for tests of a permanent failure: any address starting with "reject".
                    if (Address(line).StartsWith("reject", StringComparison.OrdinalIgnoreCase))
                    {
                        await Reply("550 5.1.1 no such mailbox");
                        break;
                    }

                    // A delivery to hold, once per address: the client waits here until it is killed or gives up.
                    if (Address(line).StartsWith("hold", StringComparison.OrdinalIgnoreCase) && held.TryAdd(Address(line), true))
                    {
                        Say($"HELD {Address(line)}");
                        await reader.ReadLineAsync(cancellation);
                        return;
                    }

                    recipients.Add(Address(line));
                    await Reply("250 OK");
                    break;
                case "DATA":
                    await Reply("354 end with <CRLF>.<CRLF>");
                    string? incident = null, trigger = null;
                    var inHeaders = true;
                    while (await reader.ReadLineAsync(cancellation) is { } data && data != ".")
                    {
                        if (!inHeaders)
                        {
                            continue;
                        }

                        if (data.Length == 0)
                        {
                            inHeaders = false;
                        }
                        else if (data.StartsWith("X-Incident-Id:", StringComparison.OrdinalIgnoreCase))
                        {
                            incident = data[14..].Trim();
                        }
                        else if (data.StartsWith("X-Incident-Trigger:", StringComparison.OrdinalIgnoreCase))
                        {
                            trigger = data[19..].Trim();
                        }
                    }

                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    foreach (var to in recipients)
                    {
                        Say($"MAIL {now} {to} {incident ?? "-"} {trigger ?? "-"}");
                    }

                    recipients.Clear();
                    await Reply("250 OK queued");
                    break;
                case "RSET":
                    recipients.Clear();
                    await Reply("250 OK");
                    break;
                case "NOOP":
                    await Reply("250 OK");
                    break;
                case "QUIT":
                    await Reply("221 bye");
                    return;
                default:
                    await Reply("502 command not implemented");
                    break;
            }
        }
    }
    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
    {
        // the client went away
    }
}

static string Address(string line)
{
    var start = line.IndexOf('<');
    var end = line.IndexOf('>');
    return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':') + 1)..].Trim();
}
