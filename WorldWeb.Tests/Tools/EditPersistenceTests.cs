using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Painting;
using WorldWeb.Tests.ReferenceWorld;
using WorldWeb.Tools.Eval;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Tools;

[Trait(Category.Name, Category.Unit)]
public class EditPersistenceTests(ITestOutputHelper output)
{
    [Fact]
    public void The_mark_detector_scores_the_worlds_own_frames_one_with_the_mark_and_zero_without()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var pose = world.Pose;
        var detector = new MarkDetector(world.Seed, world.Options, pose, world.FaceAhead()!.Value);
        var unmarked = world.Render();
        world.Apply(WorldAction.Paint);
        var marked = world.Render();

        Assert.True(detector.FootprintPixels > 100);
        Assert.Equal(1.0, detector.Score(marked));
        Assert.Equal(0.0, detector.Score(unmarked));
        Assert.True(detector.Shows(marked));
        Assert.False(detector.Shows(unmarked));
    }

    [Fact]
    public void A_view_before_the_paint_holds_the_wall_when_it_shows_the_worlds_wall_where_the_mark_lands_and_not_when_it_faces_away()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var pose = world.Pose;
        var detector = new MarkDetector(world.Seed, world.Options, pose, world.FaceAhead()!.Value);
        var wall = world.Render();
        world.Pose = pose.Turned(AgentPose.StepsPerTurn / 2);
        var away = world.Render();

        Assert.True(detector.WallPsnr(wall) >= EditPersistence.ViewHeldPsnr, $"the world's own view: {detector.WallPsnr(wall)} dB");
        Assert.True(detector.WallPsnr(away) < EditPersistence.ViewHeldPsnr, $"the view behind: {detector.WallPsnr(away)} dB");
    }

    [Fact]
    public void A_mark_half_a_cell_ahead_is_close_and_one_at_the_edge_of_reach_is_far()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var face = world.FaceAhead()!.Value;
        var close = new MarkDetector(world.Seed, world.Options, world.Pose, face);
        var back = world.Pose with { X = world.Pose.X - Math.Cos(world.Pose.Heading) * 0.9, Y = world.Pose.Y - Math.Sin(world.Pose.Heading) * 0.9 };
        Assert.Equal(face, world.FaceAhead(back));
        var far = new MarkDetector(world.Seed, world.Options, back, face);

        Assert.False(close.IsFar, $"{close.FootprintPixels} pixels half a cell ahead");
        Assert.True(far.IsFar, $"{far.FootprintPixels} pixels 1.4 cells ahead");
    }

    [Fact]
    public void A_frame_half_painted_over_the_footprint_does_not_show_the_mark_and_three_quarters_does()
    {
        var (detector, unmarked, marked, footprint) = PaintedAhead();

        Assert.False(detector.Shows(Mix(marked, unmarked, footprint.Take(footprint.Count * 2 / 5))));
        Assert.True(detector.Shows(Mix(marked, unmarked, footprint.Take(footprint.Count * 3 / 4))));
    }

    [Fact]
    public void A_blob_of_either_colour_of_the_mark_over_its_whole_footprint_does_not_show_the_mark()
    {
        var (detector, unmarked, marked, footprint) = PaintedAhead();
        // The mark's two commonest colours: its fill and its frame.
        var colours = footprint.GroupBy(p => (marked[3 * p], marked[3 * p + 1], marked[3 * p + 2]))
            .OrderByDescending(g => g.Count()).Take(2).Select(g => g.First()).ToList();
        Assert.Equal(2, colours.Count);

        foreach (var colour in colours)
        {
            var blob = (byte[])unmarked.Clone();
            foreach (var p in footprint) Array.Copy(marked, 3 * colour, blob, 3 * p, 3);
            Assert.False(detector.Shows(blob), $"a blob of the colour at pixel {colour} scores {detector.Score(blob)}");
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(128)]
    [InlineData(512)]
    [InlineData(2000)]
    public void A_loop_returns_to_the_paint_pose_after_keeping_the_face_out_of_view_for_its_steps(int steps)
    {
        var world = PaintTests.FacingWall(seed: 11);
        var start = world.Pose;
        var detector = new MarkDetector(world.Seed, world.Options, start, world.FaceAhead()!.Value);
        world.Apply(WorldAction.Paint);
        var loop = EditPersistence.Loop(world, start, steps);
        Assert.Equal(start, world.Pose);

        var face = world.FaceAhead(start)!.Value;
        var outOfView = 0;
        foreach (var action in loop)
        {
            world.Apply(action);
            if (new MarkDetector(world.Seed, world.Options, world.Pose, face).FootprintPixels == 0) outOfView++;
        }
        Assert.Equal(steps + AgentPose.StepsPerTurn, loop.Count);
        Assert.Equal(start.HeadingSteps, world.Pose.HeadingSteps);
        Assert.Equal(start.X, world.Pose.X, 9);
        Assert.Equal(start.Y, world.Pose.Y, 9);
        Assert.True(outOfView >= steps, $"the mark was out of view for {outOfView} of {loop.Count} steps");
        Assert.True(detector.Shows(world.Render()));
    }

    [Fact]
    public void A_way_in_plays_the_explorers_last_steps_to_the_wall_and_turns_to_face_it_without_painting()
    {
        var trajectory = ReferenceTrajectory.Record(seed: 1001, steps: 300, paints: true);
        var world = World.Create(1001);
        var (t, spot) = Enumerable.Range(60, 200).SelectMany(t => Enumerable.Range(0, 4)
            .Select(q => (t, pose: trajectory.AgentPoses[t] with { HeadingSteps = q * AgentPose.StepsPerTurn / 4 })))
            .First(s => world.FaceAhead(s.pose) is not null && s.pose.HeadingSteps != trajectory.AgentPoses[s.t].HeadingSteps);

        var (from, way) = trajectory.WayTo(t, spot, steps: 40);

        Assert.Equal(trajectory.AgentPoses[t - 40], from);
        Assert.Equal(40 + Math.Abs(trajectory.AgentPoses[t].TurnStepsTo(spot.HeadingSteps)), way.Count);
        Assert.DoesNotContain(WorldAction.Paint, way);
        world.Pose = from;
        foreach (var action in way) world.Apply(action);
        Assert.Equal(spot, world.Pose);
        var (at, none) = trajectory.WayTo(t, spot, steps: 0);
        Assert.Equal(spot, at);
        Assert.Empty(none);
    }

    [Fact]
    public void Walls_in_view_keeps_only_spots_whose_wall_the_world_shows_where_the_way_in_begins()
    {
        var trajectory = ReferenceTrajectory.Record(seed: 1001, steps: 500, paints: true);
        bool InView((int Step, AgentPose Pose, WallFace Face) s) =>
            EditPersistence.WallInView(trajectory, trajectory.WayTo(s.Step, s.Pose, 40).From, s.Face);

        var all = EditPersistence.Spots(trajectory, 8, contextFrames: 4, wayIn: 40, wallsInView: false);
        var inView = EditPersistence.Spots(trajectory, 8, contextFrames: 4, wayIn: 40, wallsInView: true);

        // The explorer turns corners: some walls it paints are out of view 40 steps before (a model would invent them).
        Assert.Contains(all, s => !InView(s));
        Assert.NotEmpty(inView);
        Assert.All(inView, s => Assert.True(InView(s)));
        Assert.All(EditPersistence.Spots(trajectory, 8, contextFrames: 4, wayIn: 0, wallsInView: true), s => Assert.True(EditPersistence.WallInView(trajectory, s.Pose, s.Face)));
    }

    /// <summary>The share docs/model-card.md quotes for `paint_wall_in_view` (run with a detailed console logger to see it).</summary>
    [Fact]
    public void About_half_the_walls_the_explorer_paints_are_out_of_view_forty_steps_before()
    {
        var spots = Enumerable.Range(1001, 40).Select(seed => ReferenceTrajectory.Record(seed, steps: 500, paints: true))
            .SelectMany(t => EditPersistence.Spots(t, 8, contextFrames: 4, wayIn: 40, wallsInView: false)
                .Select(s => EditPersistence.WallInView(t, t.WayTo(s.Step, s.Pose, 40).From, s.Face))).ToList();

        var share = spots.Count(v => v) / (double)spots.Count;
        output.WriteLine($"{spots.Count} walls on seeds 1001-1040, in view 40 steps before: {share:F2}");
        Assert.InRange(share, 0.3, 0.8);
    }

    [Fact]
    public void Walking_on_until_the_wall_stops_the_player_puts_the_mark_over_the_whole_view()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var face = world.FaceAhead()!.Value;

        var steps = world.ForwardUntilStopped();
        var pressed = world.Pose;

        Assert.InRange(steps, 1, 5);
        world.Apply(WorldAction.Forward);
        Assert.Equal(pressed, world.Pose);
        Assert.Equal(face, world.FaceAhead());
        Assert.Equal(world.Options.Width * world.Options.Height, new MarkDetector(world.Seed, world.Options, pressed, face).FootprintPixels);
    }

    [Fact]
    public void A_tracked_pose_is_held_within_half_a_move_step_at_the_same_heading()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var pose = ReferenceTrajectory.ToPose(world.Pose);
        world.Apply(WorldAction.TurnLeft);
        var turned = ReferenceTrajectory.ToPose(world.Pose);

        Assert.True(EditPersistence.PoseHeld(pose, pose));
        Assert.True(EditPersistence.PoseHeld(pose with { X = pose.X + 0.04 }, pose));
        Assert.False(EditPersistence.PoseHeld(pose with { X = pose.X + 0.1 }, pose));
        Assert.False(EditPersistence.PoseHeld(turned, pose));
    }

    [Fact]
    public void Moves_off_counts_the_steps_whose_tracked_move_parted_from_the_worlds()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var start = ReferenceTrajectory.ToPose(world.Pose);
        var poses = EditPersistence.Loop(world, world.Pose, 128).Select(a => { world.Apply(a); return ReferenceTrajectory.ToPose(world.Pose); }).ToList();
        var firstMove = Enumerable.Range(1, poses.Count - 1).First(i => poses[i].DistanceTo(poses[i - 1]) > 0);
        // The tracked player held at one step the world moved (the pose head read it as blocked), then moved with it.
        var blocked = poses.Select((p, i) => i < firstMove ? p : p with { X = p.X - (poses[firstMove].X - poses[firstMove - 1].X), Y = p.Y - (poses[firstMove].Y - poses[firstMove - 1].Y) }).ToList();

        Assert.Equal(0, EditPersistence.MovesOff(start, poses, poses));
        Assert.Equal(1, EditPersistence.MovesOff(start, blocked, poses));
    }

    [Fact]
    public void A_loop_walked_before_leaves_the_worlds_views_along_it_in_memory_and_a_paint_makes_those_of_the_wall_stale()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var start = world.Pose;
        var loop = EditPersistence.Loop(world, start, 128);
        var memory = new WorldMemory(new MemoryPolicy(), MemoryFrameCodec.For(new MemoryPolicy(), 64, 64, tokens: null));

        var next = EditPersistence.RememberWalked(memory, world.Seed, world.Options, start, loop);

        Assert.Equal(loop.Count, next);
        var walked = World.Create(world.Seed, world.Options);
        walked.Pose = start;
        foreach (var action in loop)
        {
            walked.Apply(action);
            var pose = ReferenceTrajectory.ToPose(walked.Pose);
            Assert.NotNull(memory.RevisitOf(pose, next));
        }
        var wall = ReferenceTrajectory.ToPose(start);
        memory.WorldChanged(wall, next);
        Assert.Null(memory.RevisitOf(wall, long.MaxValue));
        var halfWay = memory.Entries.Count(e => e.Pose.DistanceTo(wall) > 0.5);
        Assert.True(halfWay > 0, "the walk's views away from the wall must stay");
    }

    /// <summary>A wall faced close up in maze 11: its detector, the views without and with the mark, and the mark's pixels.</summary>
    private static (MarkDetector Detector, byte[] Unmarked, byte[] Marked, List<int> Footprint) PaintedAhead()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var detector = new MarkDetector(world.Seed, world.Options, world.Pose, world.FaceAhead()!.Value);
        var unmarked = world.Render();
        world.Apply(WorldAction.Paint);
        var marked = world.Render();
        return (detector, unmarked, marked,
            [.. Enumerable.Range(0, marked.Length / 3).Where(p => marked[3 * p + 1] != unmarked[3 * p + 1])]);
    }

    private static byte[] Mix(byte[] marked, byte[] unmarked, IEnumerable<int> markedPixels)
    {
        var frame = (byte[])unmarked.Clone();
        foreach (var p in markedPixels) Array.Copy(marked, 3 * p, frame, 3 * p, 3);
        return frame;
    }
}
