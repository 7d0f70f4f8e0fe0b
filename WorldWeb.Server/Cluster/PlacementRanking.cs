using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// Which node a new world of a model goes to, from the nodes' reports: of those that serve the model, do not drain
/// and have not taken it out of play (its runs fail there), the one with the most free slots, then the fewest worlds.
/// A node that runs its most worlds (<c>Worlds:MaxLiveWorlds</c>) is no candidate: it would refuse the world, and the
/// head of the line for a place (<c>JoinLine</c>) would ask it again and again while another node has room.
/// </summary>
internal static class PlacementRanking
{
    /// <summary>
    /// The capacity assumed for a node that has not measured the model (it has run none of it yet) when no node has:
    /// a batch's worth. Counting it as all free sent every new world of a burst to a node that had just joined, and
    /// to one whose runs never succeed, which measures nothing.
    /// </summary>
    public const int UnmeasuredCapacity = 8;

    /// <param name="reportOf">A node's fresh report; null when there is none to trust.</param>
    /// <param name="placedSinceRead">Worlds placed on a node since its report was read, so a burst spreads.</param>
    public static T? Best<T>(string model, IEnumerable<T> nodes, Func<T, NodeInfo?> reportOf, Func<T, int> placedSinceRead) where T : class
    {
        var candidates = nodes
            .Select(n => (Node: n, Report: reportOf(n), Placed: placedSinceRead(n)))
            .Where(c => c.Report is { Draining: false } r && r.Models.Any(m => m.Name == model && !m.OutOfPlay)
                && (r.MaxWorlds is not { } most || r.Worlds + c.Placed < most))
            .Select(c => (c.Node, Model: c.Report!.Models.First(m => m.Name == model), c.Report.Worlds, c.Placed))
            .ToList();
        // A node that has not measured yet is taken to hold what the least of the measured ones holds: it gets worlds,
        // and measures with its first run, but not all of them at once.
        int assumed = candidates.Select(c => c.Model.Capacity).OfType<int>().DefaultIfEmpty(UnmeasuredCapacity).Min();
        return candidates
            .Select(c => (c.Node, Free: (c.Model.Capacity ?? assumed) - c.Model.Worlds - c.Placed, Worlds: c.Worlds + c.Placed))
            .OrderByDescending(c => c.Free).ThenBy(c => c.Worlds).Select(c => c.Node).FirstOrDefault();
    }
}
