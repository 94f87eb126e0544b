using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Marten;
using Marten.Services;

namespace Incidents.Api.WebConsole;

/// <summary>
/// Pushes "this stream changed" to every open console page the moment the events are committed: a Marten session
/// listener (<see cref="ConsoleChangeListener"/>, after commit, so nothing is announced that was rolled back) hands the
/// changed stream ids here, and each page's server-sent-event stream (<c>GET /console/events</c>) relays them. Pages then
/// re-read what they show through the API, with the user's token: the push carries ids only, never incident data.
/// No polling anywhere. One API node hears its own commits (and the SLA checks it runs); see docs/console.md.
/// </summary>
public sealed class ConsoleChangeFeed
{
    private readonly ConcurrentDictionary<Guid, Channel<Guid>> _subscribers = new();

    public int Subscribers => _subscribers.Count;

    public void Publish(IEnumerable<Guid> streams)
    {
        foreach (var stream in streams)
        {
            foreach (var subscriber in _subscribers.Values)
            {
                subscriber.Writer.TryWrite(stream);
            }
        }
    }

    /// <summary>The changes from now on, with a comment line every <paramref name="heartbeat"/> so proxies keep the stream open.</summary>
    public async IAsyncEnumerable<SseItem<string>> SubscribeAsync(TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken ct)
    {
        var id = Guid.NewGuid();
        // Bounded: a page that stops reading loses old ids, not the server's memory; it refreshes on the next one anyway.
        var channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[id] = channel;
        try
        {
            yield return new SseItem<string>("ready", "ready");
            while (!ct.IsCancellationRequested)
            {
                Guid? changed = null;
                try
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(heartbeat);
                    changed = await channel.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                yield return changed is { } stream ? new SseItem<string>(stream.ToString(), "incident") : new SseItem<string>("", "ping");
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }
}

/// <summary>Tells the <see cref="ConsoleChangeFeed"/> which streams a committed session changed.</summary>
public sealed class ConsoleChangeListener(ConsoleChangeFeed feed) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var streams = commit.GetEvents().Select(e => e.StreamId).Where(id => id != Guid.Empty).Distinct().ToList();
        if (streams.Count > 0)
        {
            feed.Publish(streams);
        }

        return Task.CompletedTask;
    }
}
