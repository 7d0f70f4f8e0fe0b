using WorldWeb.Inference.Poses;

namespace WorldWeb.Memory;

/// <summary>Memory entries bucketed by the square cell of their position, for lookups near a pose.</summary>
internal sealed class PoseGrid(double cellSize)
{
    private readonly Dictionary<(int, int), List<MemoryEntry>> _cells = [];

    public double CellSize => cellSize;

    public void Add(MemoryEntry entry)
    {
        (int, int) key = CellOf(entry.Pose.X, entry.Pose.Y);
        if (!_cells.TryGetValue(key, out List<MemoryEntry>? cell))
        {
            _cells[key] = cell = [];
        }
        cell.Add(entry);
    }

    public void Remove(MemoryEntry entry)
    {
        (int, int) key = CellOf(entry.Pose.X, entry.Pose.Y);
        if (_cells.TryGetValue(key, out List<MemoryEntry>? cell) && cell.Remove(entry) && cell.Count == 0)
        {
            _cells.Remove(key);
        }
    }

    /// <summary>The cells that can hold an entry within <paramref name="radius"/> of (x, y); enumerate their lists.</summary>
    public Neighbourhood Near(double x, double y, double radius) => new(this, x, y, radius);

    private (int, int) CellOf(double x, double y) => ((int)Math.Floor(x / cellSize), (int)Math.Floor(y / cellSize));

    /// <summary>A struct enumerator over the non-empty cells around a point, so a lookup allocates nothing.</summary>
    public struct Neighbourhood(PoseGrid grid, double x, double y, double radius)
    {
        private readonly int _x0 = (int)Math.Floor((x - radius) / grid.CellSize), _x1 = (int)Math.Floor((x + radius) / grid.CellSize);
        private readonly int _y0 = (int)Math.Floor((y - radius) / grid.CellSize), _y1 = (int)Math.Floor((y + radius) / grid.CellSize);
        private int _cx = int.MinValue, _cy;

        public List<MemoryEntry> Current { get; private set; } = null!;

        public readonly Neighbourhood GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_cx == int.MinValue)
            {
                (_cx, _cy) = (_x0 - 1, _y0);
            }
            while (true)
            {
                if (++_cx > _x1)
                {
                    (_cx, _cy) = (_x0, _cy + 1);
                }
                if (_cy > _y1)
                {
                    return false;
                }
                if (grid._cells.TryGetValue((_cx, _cy), out List<MemoryEntry>? cell))
                {
                    Current = cell;
                    return true;
                }
            }
        }
    }
}
