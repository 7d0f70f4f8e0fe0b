using Orleans.Concurrency;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// A world's owner in the cluster. Orleans keeps at most one activation of it, on one node, and that node steps the
/// world: the activation is the lease. Placed by <see cref="WorldPlacementDirector"/> on a node with the world's model
/// and free batch slots; when that node dies, the next call activates it on a survivor, which resumes the world from
/// its last save and logged actions. Frames go from the owner to viewers on other nodes (<see cref="IWorldFramesObserver"/>).
/// </summary>
public interface IWorldGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the world runs on the owning node (resuming it there if needed) and says which node that is.</summary>
    /// <remarks>
    /// A resume replays the steps logged since the last save (up to <c>Worlds:AutosaveEverySteps</c>), which on a busy
    /// node can outlast the cluster's 10 s response timeout; that would tell the player the node is not answering. A
    /// node that dies still fails the call at once (its connection drops).
    /// </remarks>
    [ResponseTimeout("00:01:00")]
    Task<WorldOpening> Open();

    /// <summary>
    /// The action a player holds from now on, or a press applied at one step; a refusal or null. What the caller may do
    /// (act at all, use actions masked for players) is decided here, on the node that runs the world.
    /// </summary>
    Task<string?> Act(WorldCaller caller, int action, long seq, string actor);

    /// <summary>The player's connection left: the action it held is let go.</summary>
    Task Release(string actor);

    /// <summary>
    /// Streams the world's frames to a viewer on another node until <see cref="Unwatch"/>, or until it stops renewing, if
    /// the node that runs the world finds the caller may watch it (<c>CallerRights</c>); the refusal, or null.
    /// <see cref="LiveWorlds.Restarting"/> says to try again, any other refusal is final.
    /// </summary>
    Task<string?> Watch(WorldCaller caller, IWorldFramesObserver viewer);

    /// <summary>False when this activation does not know the viewer (it is a new one, after a failover): watch again.</summary>
    Task<bool> Renew(IWorldFramesObserver viewer);

    Task Unwatch(IWorldFramesObserver viewer);

    /// <summary>
    /// Saves the world where it stands on its owner (opening it if needed): the save's id, or a refusal. Whether the
    /// caller may (<see cref="WorldControls"/>) is decided here, on the node that runs the world.
    /// </summary>
    Task<(Guid? SaveId, WorldRefusal? Refusal)> Save(WorldCaller caller, string name, int kind);

    /// <summary>The frame the world shows now, without stepping it; null when it does not exist.</summary>
    Task<RelayedFrame?> Frame();

    /// <summary>
    /// The world's step, viewers and current frame if it is live on this activation's node; null otherwise. Unlike
    /// <see cref="Frame"/> it never opens the world: the lobby looks only at worlds already live.
    /// </summary>
    Task<WorldGlimpse?> Glimpse();

    /// <summary>The owner changed which actions players may use: the owning node holds the new mask at once, if the caller may change it.</summary>
    Task<WorldRefusal?> SetActionMask(WorldCaller caller, int[] disabled);

    /// <summary>
    /// Ends the world's play on its owner, if the caller may: stopped (saved, it can be joined again) or closed for good
    /// (it is being deleted). Ended is false when it was not live.
    /// </summary>
    Task<(bool Ended, WorldRefusal? Refusal)> End(WorldCaller caller, string reason, bool delete);

    /// <summary>Hands the world over (its node drains): saved and closed here; the next call places it on another node.</summary>
    Task Leave();
}

/// <summary>A viewer of a world on a node that does not own it; the owner calls it one way, frame after frame.</summary>
public interface IWorldFramesObserver : IGrainObserver
{
    [OneWay]
    Task OnFrame(RelayedFrame frame);

    /// <summary>The world's stream ended on its owner, with the reason a viewer is told (null: it just ended).</summary>
    [OneWay]
    Task OnClosed(string? reason);
}

/// <summary>
/// The answer of <see cref="IWorldGrain.Open"/>: the world does not exist, cannot run (Refusal; Full when only for want of
/// a place), or runs on Node at Step.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorldOpening([property: Id(0)] bool Found, [property: Id(1)] string? Refusal, [property: Id(2)] string Node,
    [property: Id(3)] string NodeUrl, [property: Id(4)] long Step, [property: Id(5)] int Viewers, [property: Id(6)] bool Full = false);

/// <summary>
/// Why the node that runs a world refused a control (save, stop, close, mask): the caller lacks the right
/// (<see cref="Forbidden"/>), or the world cannot do it now. Sent as data: the calling node throws it again.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorldRefusal([property: Id(0)] string Reason, [property: Id(1)] bool Forbidden)
{
    /// <summary>The refusal a control threw on the world's node; null for any other fault.</summary>
    public static WorldRefusal? Of(Exception ex) => ex switch
    {
        CallerRefusedException => new(ex.Message, Forbidden: true),
        WorldUnavailableException => new(ex.Message, Forbidden: false),
        _ => null,
    };

    public Exception ToException() => Forbidden ? new CallerRefusedException(Reason) : new WorldUnavailableException(Reason);
}

/// <summary>What <see cref="IWorldGrain.Glimpse"/> sees of a live world.</summary>
[GenerateSerializer, Immutable]
public sealed record WorldGlimpse([property: Id(0)] long Step, [property: Id(1)] int Viewers, [property: Id(2)] RelayedFrame Frame)
{
    /// <summary>A live session's glimpse, or null before its first frame. The frame's own step: the session's moves on before the frame it made is published.</summary>
    public static WorldGlimpse? Of(WorldSession session) =>
        session.CurrentFrame() is { } frame ? new WorldGlimpse(frame.Step, session.Viewers, RelayedFrame.From(frame)) : null;
}

/// <summary>A frame on its way from the owning node to a viewer elsewhere (the client's FrameMessage, for Orleans).</summary>
[GenerateSerializer, Immutable]
public sealed record RelayedFrame([property: Id(0)] long Step, [property: Id(1)] long LastActionSeq, [property: Id(2)] string ContentType,
    [property: Id(3)] byte[] Data, [property: Id(4)] long ServerTimeMs)
{
    public static RelayedFrame From(FrameMessage f) => new(f.Step, f.LastActionSeq, f.ContentType, f.Data, f.ServerTimeMs);

    public FrameMessage ToMessage() => new(Step, LastActionSeq, ContentType, Data, ServerTimeMs);
}
