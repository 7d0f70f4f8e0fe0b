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
/// shows a mark that was never made. With memory the rollout remembers and forgets as the server does.
/// </summary>
public sealed class EditPersistence(Rollout rollout, int contextFrames, MemoryPolicy policy, MemoryFrameCodec memoryFrames, int paintAction)
{
    public const string PolicyName = "paint-and-return";
    public static readonly int[] AwaySteps = [32, 128, 512, 2000];
    public const int LongAwaySteps = 12_000;
    private const int SpotSpacing = 60;
    private const int LongestWalk = 20;

    private readonly Dictionary<(int Steps, bool Memory), Tally> tallies = [];

    /// <summary>Per loop length, memory on: (reference frame, with memory, without memory) at the return, from the first spot played.</summary>
    public SortedDictionary<int, (byte[] Reference, byte[]? WithMemory, byte[]? WithoutMemory)> Strip { get; } = [];

    public void Play(int seed, ReferenceTrajectory trajectory, int spots, IReadOnlyList<int> awaySteps)
    {
        var options = trajectory.World.Options;
        var played = new List<Played>();
        foreach (var (pose, face) in Spots(trajectory, spots))
        {
            var detector = new MarkDetector(seed, options, pose, face);
            var world = World.Create(seed, options);
            world.Pose = pose;
            var context = Enumerable.Repeat(world.Render(), contextFrames).ToList();
            foreach (var steps in awaySteps)
            {
                var loop = Loop(world, pose, steps);
                foreach (var painted in new[] { true, false })
                {
                    List<WorldAction> actions = [painted ? WorldAction.Paint : WorldAction.Noop, .. loop];
                    var reference = Replay(seed, options, pose, actions);
                    foreach (var withMemory in new[] { true, false })
                    {
                        var memory = withMemory ? new WorldMemory(policy, memoryFrames) : null;
                        for (var k = 0; k < contextFrames; k++) memory?.Remember(context[k], ReferenceTrajectory.ToPose(pose), k);
                        var row = new RolloutRow((ulong)seed * 7919 + (ulong)played.Count / 4, contextFrames, context, ReferenceTrajectory.ToPose(pose),
                            [.. actions.Select(a => a == WorldAction.Paint ? paintAction : (int)a)], memory);
                        played.Add(new Played(steps, withMemory, painted, row, detector, reference));
                    }
                }
            }
        }
        rollout.Run([.. played.Select(p => p.Row)],
            (step, total) => Console.WriteLine($"eval: seed {seed}: {PolicyName}, {played.Count} worlds, step {step}/{total}"));
        foreach (var p in played) Judge(p);
    }

    /// <summary>One row per loop length and memory setting, shortest first: the JSON's <c>edit_persistence</c>.</summary>
    public List<EditPersistenceRow> Report() =>
        [.. tallies.OrderBy(t => t.Key.Steps).ThenByDescending(t => t.Key.Memory).Select(t => t.Value.Row(t.Key.Steps, t.Key.Memory))];

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

    /// <summary>Poses along the walk, turned to a right angle that faces a wall within a paint's reach, one every <see cref="SpotSpacing"/> steps.</summary>
    private List<(AgentPose Pose, WallFace Face)> Spots(ReferenceTrajectory trajectory, int count)
    {
        var world = World.Create(trajectory.World.Seed, trajectory.World.Options);
        var spots = new List<(AgentPose, WallFace)>();
        for (var t = contextFrames; t < trajectory.Length && spots.Count < count; t += SpotSpacing)
        {
            var at = trajectory.AgentPoses[t];
            for (var q = 0; q < 4; q++)
            {
                var pose = at with { HeadingSteps = q * AgentPose.StepsPerTurn / 4 };
                if (world.FaceAhead(pose) is not { } face) continue;
                spots.Add((pose, face));
                break;
            }
        }
        return spots;
    }

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

    private static List<byte[]> Replay(int seed, WorldOptions options, AgentPose from, List<WorldAction> actions)
    {
        var world = World.Create(seed, options);
        world.Pose = from;
        return [.. actions.Select(a => { world.Apply(a); return world.Render(); })];
    }

    private void Judge(Played p)
    {
        var tally = tallies.TryGetValue((p.Steps, p.Memory), out var t) ? t : tallies[(p.Steps, p.Memory)] = new Tally();
        var returned = p.Row.Frames[^1];
        if (p.Painted)
        {
            tally.Psnr.Add(FrameQuality.Psnr(returned, p.Reference[^1]));
            tally.Recalled.Add(p.Detector.Shows(returned));
            tally.Drawn.Add(p.Detector.Shows(p.Row.Frames[0]));
            // The loop ends where it began, so the tracked pose at the return is off by exactly its drift.
            Pose start = p.Row.StartPose, tracked = p.Row.Poses[^1];
            tally.PositionError.Add(tracked.DistanceTo(start));
            tally.HeadingError.Add(Math.Abs(Angles.Wrap(tracked.Heading - start.Heading)) * 180 / Math.PI);
            var strip = Strip.TryGetValue(p.Steps, out var s) ? s : (p.Reference[^1], null, null);
            Strip[p.Steps] = p.Memory ? strip with { WithMemory = strip.WithMemory ?? returned } : strip with { WithoutMemory = strip.WithoutMemory ?? returned };
        }
        else
        {
            tally.FalseMarks.Add(p.Detector.Shows(returned));
        }
    }

    private sealed record Played(int Steps, bool Memory, bool Painted, RolloutRow Row, MarkDetector Detector, List<byte[]> Reference);

    private sealed class Tally
    {
        public List<double> Psnr { get; } = [];
        public List<bool> Recalled { get; } = [];
        public List<bool> Drawn { get; } = [];
        public List<bool> FalseMarks { get; } = [];
        public List<double> PositionError { get; } = [];
        public List<double> HeadingError { get; } = [];

        public EditPersistenceRow Row(int steps, bool memory) => new(steps, memory, Round(Psnr.Average()), Share(Recalled), Share(FalseMarks), Share(Drawn), Psnr.Count,
            Round(PositionError.Average()), Round(HeadingError.Average()));

        private static double Share(List<bool> values) => values.Count == 0 ? double.NaN : Round(values.Count(v => v) / (double)values.Count);

        private static double Round(double value) => Math.Round(value, 3);
    }
}

/// <summary>
/// Returns after <see cref="Steps"/> steps away (plus the two half turns): mean PSNR of the returned frame against the reference world,
/// the share of returns that show the mark, of controls that show one never made, and of paints drawn at once; the
/// tracked pose's mean error at the return (cells, degrees), which is its drift over the loop.
/// </summary>
public sealed record EditPersistenceRow(int Steps, bool Memory, double Psnr, double MarkRecall, double FalseMarks, double MarkDrawn, int Trials,
    double ReturnPositionError, double ReturnHeadingError);
