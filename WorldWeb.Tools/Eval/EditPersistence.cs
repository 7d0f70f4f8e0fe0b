using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Painting;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// The paint-and-return policy: from true context facing a wall, paint it (or, as the control, do nothing), turn
/// away, spend N steps walking there and back (or standing) with the face out of view, and turn back to the pose of
/// the paint (<see cref="Loop"/>). The returned frame is judged against the reference world under the same actions, which holds the mark:
/// PSNR, whether the model shows the mark there (<see cref="MarkDetector"/>), and, for the controls, whether it
/// shows a mark that was never made. With memory the rollout remembers and forgets as the server does, and is
/// played twice: with only the context in memory, so that the loop goes through places the model has never seen and
/// must invent (its corridor may not be the world's, so the player may not come back to where the world does), and
/// "seen before", with the world's own views along the loop in memory as if the player had walked it before painting:
/// what the measure is about, whether memory keeps a change, with the way back known. With a way in
/// (<paramref name="wayIn"/> steps), each row begins that many steps earlier on the explorer's walk, from true context
/// there, and the model plays the way to the spot and the turn that faces the wall before it paints: as a player paints
/// on the play page, from the model's own frames and the pose it tracked, not from the world's. A wall out of view
/// where the way in begins is one the model has to invent, and it is the world's only by chance (the maze beyond the
/// view is random): <paramref name="wallsInView"/> plays only walls whose mark would be in view there, as a player
/// paints a wall they walked up to. With <paramref name="pressed"/>, the player first walks on until the wall stops
/// them (as part of the way in, or with true context there without one) and paints from there, as players on the page
/// do; the explorer seldom paints from so close, where the mark fills the whole view.
/// </summary>
public sealed class EditPersistence(Rollout rollout, int contextFrames, MemoryPolicy policy, MemoryFrameCodec memoryFrames, int paintAction, int wayIn = 0,
    bool wallsInView = false, bool pressed = false)
{
    public const string PolicyName = "paint-and-return";
    public static readonly int[] AwaySteps = [32, 128, 512, 2000];
    public const int LongAwaySteps = 12_000;
    private const int SpotSpacing = 60;
    private const int LongestWalk = 20;
    private const double MoveOff = 0.05;  // cells: half a move step

    /// <summary>dB over the mark's footprint at which a frame before a paint shows the world's wall there
    /// (training's data.paint_agreement_db: a drifted corridor scores 6–18, the same wall 20–34).</summary>
    public const double ViewHeldPsnr = 20;

    private readonly Dictionary<(int Steps, bool Memory, bool SeenBefore), Tally> tallies = [];

    /// <summary>Memory on, the loop seen before; memory on; memory off.</summary>
    private static readonly (bool Memory, bool SeenBefore)[] Settings = [(true, true), (true, false), (false, false)];

    /// <summary>Per loop length, the frames at the return from the first spot played.</summary>
    public SortedDictionary<int, ReturnFrames> Strip { get; } = [];

    /// <summary>Every paint as drawn (the shortest loop's, memory on, seen before unless after a way in): the model's
    /// frame just before it (the world's without a way in), the world's frame right after it, and the model's.</summary>
    public List<(byte[] Before, byte[] World, byte[] Drawn)> Paints { get; } = [];

    public void Play(int seed, ReferenceTrajectory trajectory, int spots, IReadOnlyList<int> awaySteps)
    {
        var options = trajectory.World.Options;
        var played = new List<Played>();
        var spotsPlayed = 0;
        foreach (var (t, spot, face) in Spots(trajectory, spots, contextFrames, wayIn, wallsInView))
        {
            var (from, way) = trajectory.WayTo(t, spot, wayIn);
            var pose = spot;
            if (pressed)
            {
                var walker = World.Create(seed, options);
                walker.Pose = spot;
                var forward = walker.ForwardUntilStopped();
                pose = walker.Pose;
                if (wayIn == 0) from = pose;
                else way.AddRange(Enumerable.Repeat(WorldAction.Forward, forward));
            }
            var detector = new MarkDetector(seed, options, pose, face);
            var inView = WallInView(trajectory, from, face);
            var world = World.Create(seed, options);
            world.Pose = from;
            var context = Enumerable.Repeat(world.Render(), contextFrames).ToList();
            for (var s = 0; s < awaySteps.Count; s++)
            {
                var steps = awaySteps[s];
                var loop = Loop(world, pose, steps);
                // One noise per spot and loop, shared by the paint and its control and by every memory setting.
                var noise = (ulong)seed * 7919 + (ulong)(spotsPlayed * awaySteps.Count + s);
                foreach (var painted in new[] { true, false })
                {
                    List<WorldAction> actions = [.. way, painted ? WorldAction.Paint : WorldAction.Noop, .. loop];
                    var reference = Replay(seed, options, from, actions);
                    foreach (var (withMemory, seenBefore) in Settings)
                    {
                        var memory = withMemory ? new WorldMemory(policy, memoryFrames) : null;
                        var first = seenBefore ? RememberWalked(memory!, seed, options, pose, loop) : 0;
                        for (var k = 0; k < contextFrames; k++) memory?.Remember(context[k], ReferenceTrajectory.ToPose(from), first + k);
                        var row = new RolloutRow(noise, first + contextFrames, context, ReferenceTrajectory.ToPose(from),
                            [.. actions.Select(a => a == WorldAction.Paint ? paintAction : (int)a)], memory);
                        played.Add(new Played(steps, withMemory, seenBefore, painted, way.Count, inView, row, detector, reference));
                    }
                }
            }
            spotsPlayed++;
        }
        rollout.Run([.. played.Select(p => p.Row)],
            (step, total) => Console.WriteLine($"eval: seed {seed}: {PolicyName}, {played.Count} worlds, step {step}/{total}"));
        foreach (var p in played) Judge(p);
        var shortest = awaySteps.Min();
        // After a way in, the loop seen before puts the world's own view of the wall into memory, which the model then
        // draws its paint from; a player on the play page has only the model's views, as the loop unseen.
        Paints.AddRange(played.Where(p => p.Painted && p.Memory && p.SeenBefore == (wayIn == 0) && p.Steps == shortest)
            .Select(p => (p.WayIn == 0 ? p.Row.Context[^1] : p.Row.Frames[p.WayIn - 1], p.Reference[p.WayIn].Frame, p.Row.Frames[p.WayIn])));
    }

    /// <summary>One row per loop length and memory setting, shortest first: the JSON's <c>edit_persistence</c>.</summary>
    public List<EditPersistenceRow> Report() =>
        [.. tallies.OrderBy(t => t.Key.Steps).ThenByDescending(t => t.Key.Memory).ThenByDescending(t => t.Key.SeenBefore)
            .Select(t => t.Value.Row(t.Key.Steps, t.Key.Memory, t.Key.SeenBefore, wayIn))];

    /// <summary>
    /// Writes the world's own views along <paramref name="loop"/> from <paramref name="from"/> into
    /// <paramref name="memory"/> at their true poses, from step 0, as the server would have written them had the player
    /// walked the loop before; returns the step after the last. The walk ends facing the wall before any paint, so
    /// a paint makes its last views stale as it would in play (<see cref="WorldMemory.WorldChanged"/>).
    /// </summary>
    public static int RememberWalked(WorldMemory memory, int seed, WorldOptions options, AgentPose from, IEnumerable<WorldAction> loop)
    {
        var world = World.Create(seed, options);
        world.Pose = from;
        var step = 0;
        foreach (var action in loop)
        {
            world.Apply(action);
            memory.Remember(world.Render(), ReferenceTrajectory.ToPose(world.Pose), step++);
        }
        return step;
    }

    /// <summary>
    /// Actions that take the world from <paramref name="from"/> away from the face ahead and back to the same pose
    /// exactly: a half turn, <paramref name="steps"/> steps of there-and-back walks (at most <see cref="LongestWalk"/>
    /// steps out, only as far as nothing stops the player) or standing still, and the other half of a full turn. The
    /// face is out of view for at least <paramref name="steps"/> of them (the half turns hide it after ~14 steps).
    /// </summary>
    public static List<WorldAction> Loop(World world, AgentPose from, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var half = AgentPose.StepsPerTurn / 2;
        var actions = Enumerable.Repeat(WorldAction.TurnRight, half).ToList();
        var walk = FreeSteps(world, from.Turned(half), LongestWalk);
        var left = steps;
        while (walk > 0 && left >= 2 * walk)
        {
            actions.AddRange(Enumerable.Repeat(WorldAction.Forward, walk));
            actions.AddRange(Enumerable.Repeat(WorldAction.Backward, walk));
            left -= 2 * walk;
        }
        actions.AddRange(Enumerable.Repeat(WorldAction.Noop, left));
        actions.AddRange(Enumerable.Repeat(WorldAction.TurnRight, half));
        return actions;
    }

    /// <summary>
    /// Poses along the walk (and their steps), turned to a right angle that faces a wall within a paint's reach, one
    /// every <see cref="SpotSpacing"/> steps after the context and the way in; with <paramref name="wallsInView"/>, only
    /// those whose wall is in the world's view where the way in begins (<see cref="WallInView"/>).
    /// </summary>
    public static List<(int Step, AgentPose Pose, WallFace Face)> Spots(ReferenceTrajectory trajectory, int count, int contextFrames, int wayIn, bool wallsInView)
    {
        var world = World.Create(trajectory.World.Seed, trajectory.World.Options);
        var spots = new List<(int, AgentPose, WallFace)>();
        for (var t = contextFrames + wayIn; t < trajectory.Length && spots.Count < count; t += SpotSpacing)
        {
            var at = trajectory.AgentPoses[t];
            for (var q = 0; q < 4; q++)
            {
                var pose = at with { HeadingSteps = q * AgentPose.StepsPerTurn / 4 };
                if (world.FaceAhead(pose) is not { } face) continue;
                if (wallsInView && !WallInView(trajectory, trajectory.WayTo(t, pose, wayIn).From, face)) continue;
                spots.Add((t, pose, face));
                break;
            }
        }
        return spots;
    }

    /// <summary>Whether a mark on <paramref name="face"/> would be in the world's view from <paramref name="from"/>.</summary>
    public static bool WallInView(ReferenceTrajectory trajectory, AgentPose from, WallFace face) =>
        new MarkDetector(trajectory.World.Seed, trajectory.World.Options, from, face).FootprintPixels > 0;

    /// <summary>How many forward steps from <paramref name="from"/> move the full step (no wall slides the player), up to <paramref name="max"/>.</summary>
    private static int FreeSteps(World world, AgentPose from, int max)
    {
        var saved = world.Pose;
        world.Pose = from;
        var free = 0;
        while (free < max)
        {
            var before = world.Pose;
            world.Apply(WorldAction.Forward);
            var moved = double.Hypot(world.Pose.X - before.X, world.Pose.Y - before.Y);
            if (Math.Abs(moved - world.Options.MoveStep) > 1e-9) break;
            free++;
        }
        world.Pose = saved;
        return free;
    }

    /// <summary>The world's frame and pose after each of <paramref name="actions"/> from <paramref name="from"/>.</summary>
    private static List<(byte[] Frame, Pose Pose)> Replay(int seed, WorldOptions options, AgentPose from, List<WorldAction> actions)
    {
        var world = World.Create(seed, options);
        world.Pose = from;
        return [.. actions.Select(a => { world.Apply(a); return (world.Render(), ReferenceTrajectory.ToPose(world.Pose)); })];
    }

    /// <summary>
    /// Steps whose tracked move differs from the world's by more than <see cref="MoveOff"/> cells: where the tracked
    /// pose parted from the world's (a step the pose head took as blocked or as a slide).
    /// </summary>
    /// <param name="worldStart">The world's pose before the first step, where it is not the tracked one's (after a way in).</param>
    public static int MovesOff(Pose start, IReadOnlyList<Pose> tracked, IReadOnlyList<Pose> world, Pose? worldStart = null)
    {
        var off = 0;
        for (var i = 0; i < world.Count; i++)
        {
            Pose trackedBefore = i == 0 ? start : tracked[i - 1], worldBefore = i == 0 ? worldStart ?? start : world[i - 1];
            double dx = (tracked[i].X - trackedBefore.X) - (world[i].X - worldBefore.X), dy = (tracked[i].Y - trackedBefore.Y) - (world[i].Y - worldBefore.Y);
            if (double.Hypot(dx, dy) > MoveOff) off++;
        }
        return off;
    }

    private void Judge(Played p)
    {
        var key = (p.Steps, p.Memory, p.SeenBefore);
        var tally = tallies.TryGetValue(key, out var t) ? t : tallies[key] = new Tally();
        var returned = p.Row.Frames[^1];
        var w = p.WayIn;
        if (p.Painted)
        {
            var drawn = p.Row.Frames[w];
            // The pose the loop begins from, as tracked and in the world: the spot, reached by the way in if any.
            Pose start = w == 0 ? p.Row.StartPose : p.Row.Poses[w - 1], tracked = p.Row.Poses[^1];
            tally.Psnr.Add(FrameQuality.Psnr(returned, p.Reference[^1].Frame));
            tally.DrawnPsnr.Add(FrameQuality.Psnr(drawn, p.Reference[w].Frame));
            tally.MovesOff.Add(MovesOff(start, p.Row.Poses[w..], [.. p.Reference.Skip(w).Select(r => r.Pose)], w == 0 ? null : p.Reference[w - 1].Pose));
            if (w > 0)
            {
                // After a way in the tracked pose may be off the world's at the paint, and the face map with it: kept
                // apart, to tell drawing where the server knows the pose from drawing where it does not.
                tally.WallInView.Add(p.WallInView);
                var held = PoseHeld(start, p.Reference[w - 1].Pose);
                tally.PoseHeld.Add(held);
                if (held) tally.DrawnPoseHeld.Add(p.Detector.Shows(drawn));
                // The model's own view may have left the world's (a corridor where the world's player faces a wall):
                // a paint there is not one a player looking at the page would make.
                var seen = p.Detector.WallPsnr(p.Row.Frames[w - 1]) >= ViewHeldPsnr;
                tally.ViewHeld.Add(seen);
                if (seen) tally.DrawnViewHeld.Add(p.Detector.Shows(drawn));
            }
            tally.Recalled.Add(p.Detector.Shows(returned));
            tally.Drawn.Add(p.Detector.Shows(drawn));
            if (p.Detector.IsFar) tally.DrawnFar.Add(p.Detector.Shows(drawn));
            // The loop ends where it began, so the tracked pose at the return is off from the spot's by exactly its drift.
            tally.PositionError.Add(tracked.DistanceTo(start));
            tally.HeadingError.Add(Math.Abs(Angles.Wrap(tracked.Heading - start.Heading)) * 180 / Math.PI);
            var strip = Strip.TryGetValue(p.Steps, out var s) ? s : Strip[p.Steps] = new ReturnFrames(p.Reference[^1].Frame);
            if (p.SeenBefore) strip.SeenBefore ??= returned;
            else if (p.Memory) strip.WithMemory ??= returned;
            else strip.WithoutMemory ??= returned;
        }
        else
        {
            tally.FalseMarks.Add(p.Detector.Shows(returned));
        }
    }

    /// <summary>Whether a tracked pose is the world's: within half a move step, and the same heading.</summary>
    public static bool PoseHeld(Pose tracked, Pose world) =>
        tracked.DistanceTo(world) <= MoveOff && Math.Abs(Angles.Wrap(tracked.Heading - world.Heading)) < 1e-9;

    private sealed record Played(int Steps, bool Memory, bool SeenBefore, bool Painted, int WayIn, bool WallInView, RolloutRow Row, MarkDetector Detector, List<(byte[] Frame, Pose Pose)> Reference);

    private sealed class Tally
    {
        public List<double> Psnr { get; } = [];
        public List<double> DrawnPsnr { get; } = [];
        public List<bool> Recalled { get; } = [];
        public List<bool> Drawn { get; } = [];
        public List<bool> DrawnFar { get; } = [];
        public List<bool> FalseMarks { get; } = [];
        public List<double> PositionError { get; } = [];
        public List<double> HeadingError { get; } = [];
        public List<int> MovesOff { get; } = [];
        public List<bool> WallInView { get; } = [];
        public List<bool> PoseHeld { get; } = [];
        public List<bool> DrawnPoseHeld { get; } = [];
        public List<bool> ViewHeld { get; } = [];
        public List<bool> DrawnViewHeld { get; } = [];

        public EditPersistenceRow Row(int steps, bool memory, bool seenBefore, int wayIn) => new(steps, memory, seenBefore, wayIn, Round(Psnr.Average()), Round(DrawnPsnr.Average()), Share(Recalled), Share(FalseMarks), Share(Drawn), Psnr.Count,
            DrawnFar.Count, DrawnFar.Count == 0 ? null : Share(DrawnFar), Round(PositionError.Average()), Round(HeadingError.Average()), Round(MovesOff.Average()),
            WallInView.Count == 0 ? null : Share(WallInView), PoseHeld.Count == 0 ? null : Share(PoseHeld), DrawnPoseHeld.Count == 0 ? null : Share(DrawnPoseHeld),
            ViewHeld.Count == 0 ? null : Share(ViewHeld), DrawnViewHeld.Count == 0 ? null : Share(DrawnViewHeld));

        private static double Share(List<bool> values) => values.Count == 0 ? double.NaN : Round(values.Count(v => v) / (double)values.Count);

        private static double Round(double value) => Math.Round(value, 3);
    }
}

/// <summary>The frames at a return: the reference world's, and the model's with memory (the loop seen before, or not) and without.</summary>
public sealed class ReturnFrames(byte[] reference)
{
    public byte[] Reference { get; } = reference;
    public byte[]? SeenBefore { get; set; }
    public byte[]? WithMemory { get; set; }
    public byte[]? WithoutMemory { get; set; }
}

/// <summary>
/// Returns after <see cref="Steps"/> steps away (plus the two half turns), with memory or not and with the loop's places
/// <see cref="SeenBefore"/> in memory or not: mean PSNR of the returned frame against the reference world, and of the
/// frame drawn at the paint against the world's then (<see cref="DrawnPsnr"/>: what memory has to keep),
/// the share of returns that show the mark, of controls that show one never made, and of paints drawn at once (of all,
/// and of the <see cref="FarWalls"/> whose mark covers under <see cref="MarkDetector.CloseFootprint"/> pixels, as
/// training/paint_check.py splits them); the tracked pose's mean error at the return (cells, degrees), which is its
/// drift over the loop, and the mean number of steps of the loop whose tracked move parted from the world's by over
/// half a move step (<see cref="ReturnMovesOff"/>: where that drift came from). <see cref="WayIn"/>: the steps the
/// model played to the wall before it painted (0: it painted from the world's own frames at the world's pose); after a
/// way in, <see cref="PaintWallInView"/> is the share of paints whose mark would have been in the world's view where
/// the way began (the rest are walls the model had to invent), <see cref="PaintPoseHeld"/> is the share of paints whose tracked pose was the world's (within half a move
/// step, heading exact), so the face map lay where the wall's face does, and <see cref="MarkDrawnPoseHeld"/> the share
/// of those drawn; <see cref="PaintViewHeld"/> the share whose frame before the paint showed, where the mark lands,
/// the world's wall (<see cref="EditPersistence.ViewHeldPsnr"/>), and <see cref="MarkDrawnViewHeld"/> the share of
/// those drawn.
/// </summary>
public sealed record EditPersistenceRow(int Steps, bool Memory, bool SeenBefore, int WayIn, double Psnr, double DrawnPsnr, double MarkRecall, double FalseMarks, double MarkDrawn, int Trials,
    int FarWalls, double? MarkDrawnFar, double ReturnPositionError, double ReturnHeadingError, double ReturnMovesOff,
    double? PaintWallInView, double? PaintPoseHeld, double? MarkDrawnPoseHeld, double? PaintViewHeld, double? MarkDrawnViewHeld);
