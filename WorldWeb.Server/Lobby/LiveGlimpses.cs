using WorldWeb.Server.Cluster;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Lobby;

/// <summary>
/// A look at a world that is live somewhere in the cluster, never resuming one that sleeps: a world live here is read
/// from its session; one live on another node (as the nodes last reported) is asked of its grain, whose
/// <see cref="IWorldGrain.Glimpse"/> answers only from a live session. A lobby must not wake worlds or take quota.
/// </summary>
public sealed partial class LiveGlimpses(WorldDirectory directory, NodeReports nodes, IGrainFactory grains, ILogger<LiveGlimpses> logger)
{
    /// <summary>A node slower than this to answer is skipped this round; the lobby asks again in half a second.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>The ids of the worlds live here and, as last reported, on the other nodes.</summary>
    public IReadOnlyCollection<string> LiveIds() =>
        [.. directory.Live.Where(s => !s.IsClosed).Select(s => s.Id).Union(nodes.LiveElsewhere(), StringComparer.Ordinal)];

    /// <summary>The world's step, viewers and current frame; null when it is not live (or its node did not answer).</summary>
    public async Task<WorldGlimpse?> OfAsync(string id)
    {
        if (directory.FindLive(id) is { IsClosed: false } session)
        {
            return WorldGlimpse.Of(session);
        }
        if (!nodes.RunsElsewhere(id))
        {
            return null;
        }
        try
        {
            return await grains.GetGrain<IWorldGrain>(id).Glimpse().WaitAsync(Patience);
        }
        catch (Exception ex) when (WorldOwners.IsNodeFault(ex))
        {
            LogNoAnswer(logger, id, ex.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lobby: world {WorldId}'s node did not answer a glimpse ({Fault})")]
    private static partial void LogNoAnswer(ILogger logger, string worldId, string fault);
}
