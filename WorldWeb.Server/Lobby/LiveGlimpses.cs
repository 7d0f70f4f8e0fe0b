using WorldWeb.Server.Cluster;
using WorldWeb.Server.LocalWorlds;

namespace WorldWeb.Server.Lobby;

/// <summary>
/// A look at a world that is live somewhere in the cluster, never resuming one that sleeps (<see cref="LiveWorlds.GlimpseAsync"/>):
/// a lobby must not wake worlds or take quota.
/// </summary>
public sealed class LiveGlimpses(LiveWorlds worlds, NodeReports nodes, WorldDirectory directory)
{
    /// <summary>The ids of the worlds live here and, as last reported, on the other nodes.</summary>
    public IReadOnlyCollection<string> LiveIds() =>
        [.. directory.Live.Where(s => !s.IsClosed).Select(s => s.Id).Union(nodes.LiveElsewhere(), StringComparer.Ordinal)];

    /// <summary>The world's step, viewers and current frame; null when it is not live (or its node did not answer).</summary>
    public Task<WorldGlimpse?> OfAsync(string id) => worlds.GlimpseAsync(id);
}
