using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// What one <c>Frames</c> stream holds (a viewer of the world, a place in the address's watch quota, a tie to the link
/// it was opened under), let go exactly once, last taken first let go, however the stream ends: the client cancels,
/// the connection drops, or the server ends it (a link revoked or expired, a relay closed by the world's owner, the
/// world stopped). SignalR cancels a stream's token only when the client ends it, so a stream the server ends is let go
/// when its reader completes; without that, its viewer would keep the world stepping and its quota stay taken.
/// </summary>
internal sealed class StreamHold
{
    private readonly Lock _gate = new();
    private List<Action>? _held = [];
    private CancellationTokenSource? _stop;

    /// <summary>Holds <paramref name="release"/> until the stream ends (let go at once if it already has).</summary>
    public void Take(Action release)
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                _held.Add(release);
                return;
            }
        }
        release();
    }

    /// <summary>Lets go when a token is cancelled or when <paramref name="viewer"/>'s stream completes, whichever is first.</summary>
    public void Until(FrameViewer viewer, CancellationToken requested, CancellationToken connectionAborted)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(requested, connectionAborted);
        lock (_gate)
        {
            _stop = stop;
        }
        stop.Token.Register(Release);
        _ = viewer.Reader.Completion.ContinueWith(_ => Release(), TaskScheduler.Default);
    }

    public void Release()
    {
        List<Action>? held;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (held, _held) = (_held, null);
            (stop, _stop) = (_stop, null);
        }
        if (held is null)
        {
            return;
        }
        for (int i = held.Count - 1; i >= 0; i--)
        {
            held[i]();
        }
        stop?.Dispose();
    }
}
