using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;
using WorldWeb.ReferenceWorld.Painting;

namespace WorldWeb.Tests.ReferenceWorld;

[Trait(Category.Name, Category.Unit)]
public class PaintTests
{
    [Fact]
    public void Paint_facing_a_near_wall_marks_it_and_the_frame_shows_the_mark()
    {
        var world = FacingWall(seed: 11);
        var before = world.Render();
        Assert.True(world.Apply(WorldAction.Paint));
        var after = world.Render();
        Assert.Equal(1, world.Marks.Count);
        Assert.Equal(0, world.Marks.ColourOf(world.FaceAhead()!.Value));
        Assert.True(LimePixels(after) > 200, $"{LimePixels(after)} lime pixels after the paint");
        Assert.Equal(0, LimePixels(before));
    }

    [Fact]
    public void Painting_a_marked_face_again_cycles_its_colour()
    {
        var world = FacingWall(seed: 11);
        var face = world.FaceAhead()!.Value;
        var seen = new List<int?>();
        for (var i = 0; i < WallMarks.Colours + 1; i++)
        {
            world.Apply(WorldAction.Paint);
            seen.Add(world.Marks.ColourOf(face));
        }
        Assert.Equal([0, 1, 2, 0], seen);
        Assert.Equal(1, world.Marks.Count);
    }

    [Fact]
    public void Paint_with_no_wall_in_reach_changes_nothing()
    {
        var world = World.Create(11);
        world.Pose = OpenView(world);
        var before = world.Render();
        Assert.False(world.Apply(WorldAction.Paint));
        Assert.Equal(0, world.Marks.Count);
        Assert.Equal(before, world.Render());
    }

    [Fact]
    public void A_mark_stays_when_the_player_looks_away_and_back_and_is_seen_from_further_off()
    {
        var world = FacingWall(seed: 11);
        world.Apply(WorldAction.Paint);
        var painted = world.Render();
        for (var i = 0; i < AgentPose.StepsPerTurn / 2; i++) world.Apply(WorldAction.TurnLeft);
        Assert.Equal(0, LimePixels(world.Render()));
        for (var i = 0; i < AgentPose.StepsPerTurn / 2; i++) world.Apply(WorldAction.TurnRight);
        Assert.Equal(painted, world.Render());

        var start = world.Pose;
        for (var i = 0; i < 15; i++) world.Apply(WorldAction.Backward);
        Assert.True(world.Pose != start, "the player could not step back from the wall");
        var far = LimePixels(world.Render());
        Assert.InRange(far, 4, LimePixels(painted) - 1);
    }

    [Fact]
    public void The_same_actions_paint_the_same_marks()
    {
        static (byte[] Frame, int Marks) Play(int seed)
        {
            var world = World.Create(seed);
            var explorer = new Explorer(world, seed);
            for (var i = 0; i < 1500; i++) world.Apply(explorer.Next());
            return (world.Render(), world.Marks.Count);
        }
        var (a, marks) = Play(21);
        Assert.True(marks > 0, "the explorer painted nothing in 1,500 steps");
        Assert.Equal(a, Play(21).Frame);
    }

    [Fact]
    public void An_explorer_without_paint_never_paints_and_one_with_paint_comes_back_to_look()
    {
        var plain = World.Create(8);
        var walker = new Explorer(plain, 8, paints: false);
        for (var i = 0; i < 3000; i++)
        {
            var action = walker.Next();
            Assert.NotEqual(WorldAction.Paint, action);
            plain.Apply(action);
        }

        var world = World.Create(8);
        var explorer = new Explorer(world, 8);
        var paints = new List<(int Step, AgentPose Pose)>();
        var returns = 0;
        for (var t = 0; t < 3000; t++)
        {
            var action = explorer.Next();
            var pose = world.Pose;
            if (world.Apply(action)) paints.Add((t, pose));
            else if (paints.Any(p => t - p.Step > 40 && Math.Abs(p.Pose.X - world.Pose.X) < 0.15 && Math.Abs(p.Pose.Y - world.Pose.Y) < 0.15
                                     && p.Pose.HeadingSteps == world.Pose.HeadingSteps)) returns++;
        }
        Assert.InRange(paints.Count, 5, 80);
        Assert.True(returns > 0, "the explorer never came back to a painted view");
    }

    /// <summary>A world whose player stands in front of a wall within reach.</summary>
    internal static World FacingWall(int seed)
    {
        var world = World.Create(seed);
        foreach (var (x, y) in world.Maze.FreeCells())
            for (var heading = 0; heading < AgentPose.StepsPerTurn; heading += AgentPose.StepsPerTurn / 4)
            {
                var pose = new AgentPose(x + 0.5, y + 0.5, heading);
                if (world.FaceAhead(pose) is not null && world.Maze.IsFree(x - Math.Cos(pose.Heading) * 2 + 0.5, y - Math.Sin(pose.Heading) * 2 + 0.5))
                {
                    world.Pose = pose;
                    return world;
                }
            }
        throw new InvalidOperationException($"seed {seed} has no wall to face");
    }

    private static AgentPose OpenView(World world)
    {
        foreach (var (x, y) in world.Maze.FreeCells())
            for (var heading = 0; heading < AgentPose.StepsPerTurn; heading += AgentPose.StepsPerTurn / 4)
                if (world.FaceAhead(new AgentPose(x + 0.5, y + 0.5, heading)) is null) return new AgentPose(x + 0.5, y + 0.5, heading);
        throw new InvalidOperationException("no open view");
    }

    /// <summary>Pixels of the first mark colour (lime) at any shade: green well above red and blue.</summary>
    internal static int LimePixels(byte[] rgb)
    {
        var count = 0;
        for (var i = 0; i < rgb.Length; i += 3)
            if (rgb[i + 1] > 60 && rgb[i + 1] > 2.2 * rgb[i] && rgb[i + 1] > 2.2 * rgb[i + 2]) count++;
        return count;
    }
}
