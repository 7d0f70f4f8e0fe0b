using WorldWeb.ReferenceWorld.Maze;

namespace WorldWeb.ReferenceWorld.Exploration;

/// <summary>Shortest paths between cells by breadth-first search over free cells.</summary>
public static class RouteFinder
{
    /// <summary>Cells from the one after <paramref name="from"/> up to <paramref name="to"/>; empty if unreachable.</summary>
    public static List<(int X, int Y)> Route(MazeGrid grid, (int X, int Y) from, (int X, int Y) to)
    {
        var previous = new Dictionary<(int, int), (int, int)> { [from] = from };
        var frontier = new Queue<(int X, int Y)>([from]);
        while (frontier.Count > 0 && !previous.ContainsKey(to))
        {
            var (x, y) = frontier.Dequeue();
            foreach (var next in new[] { (x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1) })
            {
                if (!grid.IsFree(next.Item1, next.Item2) || previous.ContainsKey(next)) continue;
                previous[next] = (x, y);
                frontier.Enqueue(next);
            }
        }
        var route = new List<(int X, int Y)>();
        if (!previous.ContainsKey(to)) return route;
        for (var cell = to; cell != from; cell = previous[cell]) route.Add(cell);
        route.Reverse();
        return route;
    }
}
