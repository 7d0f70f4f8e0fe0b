namespace WorldWeb.ReferenceWorld.Maze;

/// <summary>A square grid of cells; the border is always wall.</summary>
public sealed class MazeGrid
{
    private readonly Material[] cells;

    public MazeGrid(int size)
    {
        Size = size;
        cells = new Material[size * size];
        Array.Fill(cells, Material.Brick);
    }

    public int Size { get; }

    public Material this[int x, int y]
    {
        get => (uint)x < (uint)Size && (uint)y < (uint)Size ? cells[y * Size + x] : Material.Brick;
        set => cells[y * Size + x] = value;
    }

    public bool IsFree(int x, int y) => this[x, y] == Material.Empty;

    public bool IsFree(double x, double y) => IsFree((int)Math.Floor(x), (int)Math.Floor(y));

    public IEnumerable<(int X, int Y)> FreeCells()
    {
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                if (IsFree(x, y)) yield return (x, y);
    }
}
