using WorldWeb.ReferenceWorld.Exploration;
using WorldWeb.ReferenceWorld.Maze;

namespace WorldWeb.Tests.ReferenceWorld;

[Trait(Category.Name, Category.Unit)]
public class MazeTests
{
    [Fact]
    public void Same_seed_builds_the_same_maze_and_other_seeds_differ()
    {
        var a = MazeGenerator.Generate(7, 17);
        var b = MazeGenerator.Generate(7, 17);
        var c = MazeGenerator.Generate(8, 17);
        Assert.Equal(Cells(a), Cells(b));
        Assert.NotEqual(Cells(a), Cells(c));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1001)]
    public void Border_is_wall_and_every_free_cell_is_reachable(int seed)
    {
        var maze = MazeGenerator.Generate(seed, 17);
        for (var i = 0; i < maze.Size; i++)
        {
            Assert.False(maze.IsFree(i, 0));
            Assert.False(maze.IsFree(0, i));
            Assert.False(maze.IsFree(i, maze.Size - 1));
            Assert.False(maze.IsFree(maze.Size - 1, i));
        }
        var free = maze.FreeCells().ToList();
        var start = free[0];
        foreach (var cell in free.Skip(1))
            Assert.NotEmpty(RouteFinder.Route(maze, start, cell));
    }

    [Fact]
    public void Mazes_have_pillars_and_signs_to_recognise_places()
    {
        var maze = MazeGenerator.Generate(3, 17);
        var materials = Cells(maze);
        Assert.Contains(materials, m => m is >= Material.RedPillar and <= Material.MagentaPillar);
        Assert.Contains(materials, m => m is >= Material.RedSign and <= Material.MagentaSign);
        Assert.True(materials.Distinct().Count(m => m is >= Material.Brick and <= Material.Panel) >= 3, "regions should use several wall materials");
    }

    private static Material[] Cells(MazeGrid maze) =>
        Enumerable.Range(0, maze.Size * maze.Size).Select(i => maze[i % maze.Size, i / maze.Size]).ToArray();
}
