using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Sharing;

/// <summary>
/// A right a hub connection holds in a world (a link, the world's being public) and the frame streams it opened under
/// it: ending the right ends those streams with its reason, and a stream opened after that ends at once.
/// </summary>
public class RightInUse
{
    private readonly Lock _gate = new();
    private readonly HashSet<FrameViewer> _viewers = [];
    private string? _ended;

    public bool Ended => EndedReason is not null;

    /// <summary>Why the right is gone, or null while it stands.</summary>
    public string? EndedReason
    {
        get { lock (_gate) { return _ended; } }
    }

    /// <summary>Ties the stream to the right; dispose the answer when the stream ends otherwise (null: it ended already).</summary>
    public IDisposable? Watch(FrameViewer viewer)
    {
        string? ended;
        lock (_gate)
        {
            ended = _ended;
            if (ended is null)
            {
                _viewers.Add(viewer);
                return new Unwatch(this, viewer);
            }
        }
        viewer.Complete(new HubException(ended));
        return null;
    }

    /// <summary>Ends the right and its streams; false when it had ended already.</summary>
    public bool End(string reason)
    {
        FrameViewer[] viewers;
        lock (_gate)
        {
            if (_ended is not null)
            {
                return false;
            }
            _ended = reason;
            viewers = [.. _viewers];
            _viewers.Clear();
        }
        foreach (FrameViewer viewer in viewers)
        {
            viewer.Complete(new HubException(reason));
        }
        return true;
    }

    private void Forget(FrameViewer viewer)
    {
        lock (_gate)
        {
            _viewers.Remove(viewer);
        }
    }

    private sealed class Unwatch(RightInUse right, FrameViewer viewer) : IDisposable
    {
        public void Dispose() => right.Forget(viewer);
    }
}
