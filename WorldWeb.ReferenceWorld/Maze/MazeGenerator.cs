namespace WorldWeb.ReferenceWorld.Maze;

/// <summary>
/// Builds a maze of corridors and rooms from a seed: a randomised depth-first maze on the odd
/// cells, rooms carved on top, extra openings so that paths loop, then landmarks (pillars in
/// rooms, coloured signs on walls) so that the player and the model can tell places apart.
/// </summary>
public static class MazeGenerator
{
    public static MazeGrid Generate(int seed, int size)
    {
        var random = new Random(seed);
        var grid = new MazeGrid(size);
        CarveCorridors(grid, random);
        var rooms = CarveRooms(grid, random);
        OpenLoops(grid, random, count: size);
        PaintRegions(grid);
        PlacePillars(grid, random, rooms);
        PlaceSigns(grid, random);
        return grid;
    }

    private static void CarveCorridors(MazeGrid grid, Random random)
    {
        var stack = new Stack<(int X, int Y)>();
        grid[1, 1] = Material.Empty;
        stack.Push((1, 1));
        Span<(int, int)> steps = [(2, 0), (-2, 0), (0, 2), (0, -2)];
        while (stack.Count > 0)
        {
            var (x, y) = stack.Peek();
            random.Shuffle(steps);
            var moved = false;
            foreach (var (dx, dy) in steps)
            {
                int nx = x + dx, ny = y + dy;
                if (nx <= 0 || ny <= 0 || nx >= grid.Size - 1 || ny >= grid.Size - 1 || grid.IsFree(nx, ny)) continue;
                grid[x + dx / 2, y + dy / 2] = Material.Empty;
                grid[nx, ny] = Material.Empty;
                stack.Push((nx, ny));
                moved = true;
                break;
            }
            if (!moved) stack.Pop();
        }
    }

    private static List<(int X, int Y, int W, int H)> CarveRooms(MazeGrid grid, Random random)
    {
        var rooms = new List<(int, int, int, int)>();
        var count = 2 + grid.Size / 8;
        for (var i = 0; i < count; i++)
        {
            int w = 3 + 2 * random.Next(2), h = 3 + 2 * random.Next(2);
            int x = 1 + 2 * random.Next((grid.Size - 1 - w) / 2 + 1);
            int y = 1 + 2 * random.Next((grid.Size - 1 - h) / 2 + 1);
            if (x + w > grid.Size - 1 || y + h > grid.Size - 1) continue;
            for (var yy = y; yy < y + h; yy++)
                for (var xx = x; xx < x + w; xx++)
                    grid[xx, yy] = Material.Empty;
            rooms.Add((x, y, w, h));
        }
        return rooms;
    }

    private static void OpenLoops(MazeGrid grid, Random random, int count)
    {
        for (var attempt = 0; attempt < count * 20 && count > 0; attempt++)
        {
            int x = 1 + random.Next(grid.Size - 2), y = 1 + random.Next(grid.Size - 2);
            if (grid.IsFree(x, y)) continue;
            var joinsEastWest = grid.IsFree(x - 1, y) && grid.IsFree(x + 1, y) && !grid.IsFree(x, y - 1) && !grid.IsFree(x, y + 1);
            var joinsNorthSouth = grid.IsFree(x, y - 1) && grid.IsFree(x, y + 1) && !grid.IsFree(x - 1, y) && !grid.IsFree(x + 1, y);
            if (!joinsEastWest && !joinsNorthSouth) continue;
            grid[x, y] = Material.Empty;
            count--;
        }
    }

    private static void PaintRegions(MazeGrid grid)
    {
        var half = grid.Size / 2;
        for (var y = 0; y < grid.Size; y++)
            for (var x = 0; x < grid.Size; x++)
                if (!grid.IsFree(x, y))
                    grid[x, y] = (x < half, y < half) switch
                    {
                        (true, true) => Material.Brick,
                        (false, true) => Material.Stone,
                        (true, false) => Material.Moss,
                        _ => Material.Panel,
                    };
    }

    private static void PlacePillars(MazeGrid grid, Random random, List<(int X, int Y, int W, int H)> rooms)
    {
        // A pillar in the centre of a room of at least 3x3 leaves a walkable ring around it.
        foreach (var (x, y, w, h) in rooms)
            grid[x + w / 2, y + h / 2] = (Material)((int)Material.RedPillar + random.Next(Materials.PillarCount));
    }

    private static void PlaceSigns(MazeGrid grid, Random random)
    {
        for (var y = 1; y < grid.Size - 1; y++)
            for (var x = 1; x < grid.Size - 1; x++)
            {
                var material = grid[x, y];
                if (material is < Material.Brick or > Material.Panel) continue;
                var facesFloor = grid.IsFree(x - 1, y) || grid.IsFree(x + 1, y) || grid.IsFree(x, y - 1) || grid.IsFree(x, y + 1);
                if (facesFloor && random.NextDouble() < 0.08)
                    grid[x, y] = (Material)((int)Material.RedSign + random.Next(Materials.SignCount));
            }
    }
}
