using WorldWeb.Client.Contracts;
using WorldWeb.Server.Frames;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// Brings a resumed session to the end of its action log: replays the logged actions, drops those beyond a gap,
/// and shows the frame it reached to whoever watches.
/// </summary>
public sealed partial class LogCatchUp(WorldReplayer replayer, WorldStore store, FrameEncoder encoder, TimeProvider clock, ILogger<LogCatchUp> logger)
{
    public async Task CatchUpAsync(WorldSession session, byte[] actions, CancellationToken cancellationToken)
    {
        await replayer.ReplayAsync(session, actions, cancellationToken);
        // Logged steps beyond a gap belong to a timeline that was abandoned; the world goes on from here, so they go.
        int abandoned = await store.DropActionsAfterAsync(session.Id, session.Step, cancellationToken);
        if (abandoned > 0)
        {
            LogAbandoned(logger, session.Id, abandoned, session.Step);
        }
        var frame = session.Model.Manifest.Frame;
        byte[] current = session.Capture().CurrentFrame;
        session.Publish(new FrameMessage(session.Step, 0, encoder.ContentType, encoder.Encode(current, frame.Width, frame.Height), clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: dropped {Chunks} logged action chunks beyond a gap after step {Step} (an abandoned timeline)")]
    private static partial void LogAbandoned(ILogger logger, string worldId, int chunks, long step);
}
