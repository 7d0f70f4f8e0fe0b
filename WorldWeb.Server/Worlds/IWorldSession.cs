namespace WorldWeb.Server.Worlds;

/// <summary>
/// A live world as the hub and the API see it. Narrow on purpose: everything crosses it as plain values, so a
/// session can later live on another machine (a grain) without the hub or the API changing.
/// </summary>
public interface IWorldSession
{
    string Id { get; }
    string ModelName { get; }
    long Step { get; }
    int Viewers { get; }
    double ActualFps { get; }

    /// <summary>Makes <paramref name="action"/> the world's action from the next step on (latest wins).</summary>
    void SubmitAction(int action, long seq, string connectionId);

    /// <summary>A player left: if its action is the one in force, the world falls back to noop.</summary>
    void ReleaseActions(string connectionId);

    /// <summary>A new frame stream, starting with the current frame; null when the session has just closed.</summary>
    FrameViewer? AddViewer();

    void RemoveViewer(FrameViewer viewer);

    /// <summary>The encoded frame of the current step.</summary>
    WorldWeb.Client.Contracts.FrameMessage? CurrentFrame();

    /// <summary>The exact state at the current step, taken between two steps.</summary>
    WorldState Capture();
}
