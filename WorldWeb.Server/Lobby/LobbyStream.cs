using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.Lobby;

/// <summary>
/// One visitor's lobby as server-sent events (<see cref="LobbyStreamEvents"/>): the shared snapshot at once, then the
/// shared snapshot again whenever its tag changed, looked at as each snapshot expires (<see cref="LiveLobby.Fresh"/>),
/// and a keep-alive when nothing was sent for <see cref="LobbyStreamEvents.KeepAliveEvery"/>. Every stream reads the
/// one snapshot <see cref="LiveLobby"/> builds, so streams cost one build a second however many they are; and a
/// visitor pays Kestrel's request and the cookie's authentication once per visit, where a poll paid them every second.
/// A stream ends when its visitor goes or the server stops, so a shutdown waits for none.
/// </summary>
public sealed class LobbyStream(LiveLobby lobby, TimeProvider clock, IHostApplicationLifetime lifetime)
{
    public async IAsyncEnumerable<SseItem<string>> EventsAsync([EnumeratorCancellation] CancellationToken visit)
    {
        using var open = CancellationTokenSource.CreateLinkedTokenSource(visit, lifetime.ApplicationStopping);
        string? sent = null;
        DateTimeOffset spoke = clock.GetUtcNow();
        while (!open.IsCancellationRequested)
        {
            LobbyView? view = await LookAsync(open.Token);
            if (open.IsCancellationRequested)
            {
                yield break;
            }
            DateTimeOffset now = clock.GetUtcNow();
            if (view is not null && view.ETag != sent)
            {
                (sent, spoke) = (view.ETag, now);
                yield return new SseItem<string>(view.Text, LobbyStreamEvents.Snapshot) { EventId = view.ETag };
            }
            else if (now - spoke >= LobbyStreamEvents.KeepAliveEvery)
            {
                spoke = now;
                yield return new SseItem<string>(string.Empty, LobbyStreamEvents.KeepAlive);
            }
            // Look again when this snapshot expires, so that every look finds a newer one (a fixed period beside the
            // snapshot's would find the same one every other look); never sooner than a quarter of it, should a build be slow.
            TimeSpan wait = view is null ? LiveLobby.Fresh : view.At + LiveLobby.Fresh - now;
            if (!await WaitAsync(Math.Clamp(wait.Ticks, LiveLobby.Fresh.Ticks / 4, LiveLobby.Fresh.Ticks), open.Token))
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The shared snapshot; null when the stream is ending, or when the database is away this time (the visitor keeps the
    /// snapshot it has, as a poll's page does, and the stream looks again later).
    /// </summary>
    private async Task<LobbyView?> LookAsync(CancellationToken open)
    {
        try
        {
            return await lobby.CurrentAsync(open);
        }
        catch (OperationCanceledException) when (open.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            return null;
        }
    }

    /// <summary>False when the stream is ending instead.</summary>
    private async Task<bool> WaitAsync(long ticks, CancellationToken open)
    {
        try
        {
            await Task.Delay(TimeSpan.FromTicks(ticks), clock, open);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
