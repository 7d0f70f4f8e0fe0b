using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;

namespace WorldWeb.Tests.ReferenceWorld;

[Trait(Category.Name, Category.Unit)]
public class WorldTests
{
    [Fact]
    public void Same_seed_and_actions_render_identical_frames()
    {
        var a = World.Create(42);
        var b = World.Create(42);
        var explorer = new Explorer(a, 42);
        for (var i = 0; i < 200; i++)
        {
            var action = explorer.Next();
            a.Apply(action);
            b.Apply(action);
        }
        Assert.Equal(a.Pose, b.Pose);
        Assert.Equal(a.Render(), b.Render());
    }

    [Fact]
    public void A_full_turn_returns_to_the_same_view()
    {
        var world = World.Create(5);
        var before = world.Render();
        world.Apply(WorldAction.TurnRight);
        Assert.NotEqual(before, world.Render());
        for (var i = 1; i < AgentPose.StepsPerTurn; i++) world.Apply(WorldAction.TurnRight);
        Assert.Equal(before, world.Render());
    }

    [Fact]
    public void Turn_right_increases_heading_and_forward_moves_along_it()
    {
        var world = World.Create(5);
        world.Pose = world.Pose with { HeadingSteps = 0 };
        world.Apply(WorldAction.TurnRight);
        Assert.Equal(1, world.Pose.HeadingSteps);
        world.Pose = world.Pose with { HeadingSteps = 0 };
        var start = world.Pose;
        world.Apply(WorldAction.Forward);
        if (world.Pose != start) Assert.Equal(start.X + 0.1, world.Pose.X, 9); // heading 0 looks east
    }

    /// <summary>
    /// The server's pose tracking takes a move the model drew with no change to the view as a wall stopping the player
    /// (<c>PoseTracking.Next</c>, <c>viewUnchanged</c>). Over the explorer's walks and walks on into walls (4 mazes), a
    /// move that left the frame as it was moved the player less than 0.02 cells on 275 of 327 such moves (193 not at all);
    /// the rest were slides along a wall pressed against obliquely, too small to show, at most a step. A move that
    /// stops the player always leaves the frame as it was.
    /// </summary>
    [Fact]
    public void A_move_that_leaves_the_view_unchanged_mostly_is_one_a_wall_stopped()
    {
        var movedUnchanged = new List<double>();
        int changed = 0;
        for (var seed = 1; seed <= 4; seed++)
        {
            var world = World.Create(seed);
            var explorer = new Explorer(world, seed);
            var frame = world.Render();
            for (var i = 0; i < 600; i++)
            {
                // Half of every 50 steps on into whatever is ahead, until it stops the player.
                var action = i % 50 < 25 ? explorer.Next() : WorldAction.Forward;
                var before = world.Pose;
                world.Apply(action);
                var next = world.Render();
                var moved = double.Hypot(world.Pose.X - before.X, world.Pose.Y - before.Y);
                if (IsMove(action))
                {
                    if (next.AsSpan().SequenceEqual(frame))
                    {
                        movedUnchanged.Add(moved);
                    }
                    else
                    {
                        changed++;
                        Assert.True(moved > 0, $"seed {seed} step {i}: the view changed where the player stood still");
                    }
                }
                frame = next;
            }
        }
        Assert.True(movedUnchanged.Count > 100 && changed > 1000, $"{changed} moves changed the view and {movedUnchanged.Count} did not");
        Assert.InRange(movedUnchanged.Count(m => m < 0.02) / (double)movedUnchanged.Count, 0.8, 1);
        Assert.InRange(movedUnchanged.Max(), 0, 0.1 + 1e-9);
    }

    /// <summary>
    /// Players press into walls; the explorer rarely does, and a model trained on its walks walks on through walls.
    /// With <c>pressesWalls</c> it is stopped several times as often (printed with a detailed logger).
    /// </summary>
    [Fact]
    public void An_explorer_that_presses_walls_is_stopped_far_more_often()
    {
        static double StoppedShare(bool pressesWalls)
        {
            int moves = 0, stopped = 0;
            for (var seed = 1; seed <= 8; seed++)
            {
                var world = World.Create(seed);
                var explorer = new Explorer(world, seed, pressesWalls: pressesWalls);
                for (var i = 0; i < 600; i++)
                {
                    var action = explorer.Next();
                    var before = world.Pose;
                    world.Apply(action);
                    if (IsMove(action))
                    {
                        moves++;
                        stopped += (world.Pose.X, world.Pose.Y) == (before.X, before.Y) ? 1 : 0;
                    }
                }
            }
            return stopped / (double)moves;
        }
        double plain = StoppedShare(false), pressing = StoppedShare(true);
        Console.WriteLine($"stopped on {plain:P1} of the explorer's moves, {pressing:P1} when it presses walls");
        Assert.InRange(plain, 0, 0.03);
        Assert.InRange(pressing, 0.05, 1);
    }

    private static bool IsMove(WorldAction action) =>
        action is WorldAction.Forward or WorldAction.Backward or WorldAction.StrafeLeft or WorldAction.StrafeRight;

    [Fact]
    public void Walking_never_enters_a_wall()
    {
        var world = World.Create(9);
        var explorer = new Explorer(world, 9);
        var r = world.Options.AgentRadius;
        for (var i = 0; i < 5000; i++)
        {
            world.Apply(i % 3 == 0 ? WorldAction.Forward : explorer.Next());
            var p = world.Pose;
            Assert.True(world.Maze.IsFree(p.X, p.Y), $"step {i}: agent inside a wall at {p}");
            Assert.True(world.Maze.IsFree(p.X + r * 0.99, p.Y) && world.Maze.IsFree(p.X - r * 0.99, p.Y)
                        && world.Maze.IsFree(p.X, p.Y + r * 0.99) && world.Maze.IsFree(p.X, p.Y - r * 0.99),
                $"step {i}: agent closer than its radius to a wall at {p}");
        }
    }

    [Fact]
    public void Frames_show_ceiling_above_and_floor_below()
    {
        var world = World.Create(11);
        var frame = world.Render();
        var w = world.Options.Width;
        var h = world.Options.Height;
        Assert.Equal(w * h * 3, frame.Length);
        // The first pixel row is ceiling (bluish-dark) unless a wall is very close; the last is floor (brownish).
        var bottom = ((h - 1) * w + w / 2) * 3;
        Assert.True(frame[bottom] > frame[bottom + 2], "floor should be warmer than blue");
    }

    [Fact]
    public void Explorer_revisits_earlier_poses()
    {
        // A revisit: within half a cell and 15 degrees of a pose held at least 60 steps earlier. How often the
        // explorer comes back depends on the maze, so the bar is on the mean over several seeds.
        var revisits = Enumerable.Range(1, 8).Select(Revisits).ToList();
        Assert.True(revisits.Average() > 350, $"revisits per 1900 steps, seeds 1-8: {string.Join(", ", revisits)}");
        Assert.All(revisits, r => Assert.True(r > 30, $"a seed with only {r} revisits"));
    }

    private static int Revisits(int seed)
    {
        var world = World.Create(seed);
        var explorer = new Explorer(world, seed);
        var poses = new List<AgentPose>();
        for (var i = 0; i < 2000; i++)
        {
            world.Apply(explorer.Next());
            poses.Add(world.Pose);
        }
        return Enumerable.Range(100, poses.Count - 100).Count(t => Enumerable.Range(0, t - 60).Any(s =>
            Math.Abs(poses[s].HeadingSteps - poses[t].HeadingSteps) <= 3 && Math.Abs(poses[s].X - poses[t].X) + Math.Abs(poses[s].Y - poses[t].Y) < 0.5));
    }
}
