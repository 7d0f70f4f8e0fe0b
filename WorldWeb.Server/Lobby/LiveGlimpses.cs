using WorldWeb.Server.Cluster;

namespace WorldWeb.Server.Lobby;

/// <summary>
/// A look at a world that is live somewhere in the cluster, never resuming one that sleeps (<see cref="LiveWorlds.GlimpseAsync"/>):
/// a lobby must not wake worlds or take quota.
/// </summary>
public sealed class LiveGlimpses(LiveWorlds worlds, NodeReports nodes, Worlds.WorldDirectory directory)
{
    /// <summary>A node slower than this to answer is skipped this round; the lobby asks again in half a second.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>The ids of the worlds live here and, as last reported, on the other nodes.</summary>
    public IReadOnlyCollection<string> LiveIds() =>
        [.. directory.Live.Where(s => !s.IsClosed).Select(s => s.Id).Union(nodes.LiveElsewhere(), StringComparer.Ordinal)];

    /// <summary>The world's step, viewers and current frame; null when it is not live (or its node did not answer).</summary>
    public Task<WorldGlimpse?> OfAsync(string id) => worlds.GlimpseAsync(id, Patience);
}
