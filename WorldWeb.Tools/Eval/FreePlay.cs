using System.Text.Json.Serialization;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Free play: the model on its own output for thousands of steps from true context, with the server's memory,
/// under the <see cref="PlayPolicy"/> policies — what a player sees, judged frame by frame against real frames
/// (<see cref="RealFrameBank"/>, <see cref="PlayQuality"/>). Revisit rollouts first walk their cycle twice in the
/// reference world, remembered as the server would have, so that everything they show has been seen and the
/// reference world is a fair target for PSNR at long horizons. The reference world's own frames under the same
/// actions are judged the same way: what a perfect model would score. Held keys walk into walls, so those views are
/// flatter and more common than the explorer's that "real frames" are.
/// </summary>
public sealed class FreePlay(Rollout rollout, int contextFrames, MemoryPolicy policy, MemoryFrameCodec memoryFrames, RealFrameBank bank, int fps)
{
    public const string ExplorePolicy = "explore", RevisitPolicy = "revisit";
    public static readonly int[] RevisitHorizons = [32, 128, 512, 2000];
    public static readonly double[] WindowEdgesSeconds = [0, 5, 20, 60, 100];
    public static readonly double[] StripSeconds = [0, 1, 2, 5, 10, 30, 60, 100];
    private const int SeedingCycles = 2;
    private const int RevisitSpacing = 50;

    private readonly Dictionary<string, PlayCurve> curves = new() { [ExplorePolicy] = new(), [RevisitPolicy] = new() };
    private readonly Dictionary<string, PlayCurve> referenceCurves = new() { [ExplorePolicy] = new(), [RevisitPolicy] = new() };
    private readonly Dictionary<int, List<double>> revisitPsnr = [];
    private readonly List<double> realRealism = [], realGradient = [], realGrid = [];
    private long memoryEntries, memoryBytes;

    /// <summary>The first rollout of each policy: (seconds, reference frame, generated frame) at <see cref="StripSeconds"/>.</summary>
    public Dictionary<string, List<(double Seconds, byte[] Reference, byte[] Generated)>> Strips { get; } = [];

    public int Fps => fps;

    /// <summary>Colour and frames for the classifier two-sample test, of every rollout beside the world's.</summary>
    public FreePlayFidelity Fidelity { get; } = new(fps);

    public void Play(int seed, ReferenceTrajectory trajectory, int rollouts, int horizon)
    {
        MeasureReal(trajectory);
        var played = new List<(string Policy, RolloutRow Row, List<byte[]> Reference)>();
        var last = trajectory.Length - 1;
        for (var i = 0; i < rollouts; i++)
        {
            var start = contextFrames + (last - contextFrames) * i / Math.Max(1, rollouts - 1);
            var actions = PlayPolicy.Explore(seed * 1000 + i, horizon);
            var row = new RolloutRow((ulong)seed, start, trajectory.Frames.Skip(start - contextFrames).Take(contextFrames).ToList(),
                trajectory.Poses[start - 1], actions.Select(a => (int)a).ToList(), Evaluation.History(policy, memoryFrames, trajectory, start));
            played.Add((ExplorePolicy, row, Replay(trajectory.World, trajectory.AgentPoses[start - 1], actions).Frames));
        }
        foreach (var start in RevisitStarts(trajectory, rollouts)) played.Add(RevisitRow(seed, trajectory, start, horizon));
        if (played.Count(p => p.Policy == RevisitPolicy) == 0)
            Console.WriteLine($"eval: seed {seed}: no free corridor for the revisit policy; revisit skipped for this seed");

        rollout.Run(played.Select(p => p.Row).ToList(),
            (step, steps) => Console.WriteLine($"eval: seed {seed}: free play, {played.Count} worlds, step {step}/{steps}"));
        foreach (var (name, row, reference) in played)
        {
            memoryEntries += row.Memory!.Entries.Count;
            memoryBytes += row.Memory.Bytes;
            var frames = row.Frames;
            Fidelity.Add(name, seed, frames, reference);
            curves[name].Add(Judge(frames, trajectory.World.Options));
            referenceCurves[name].Add(Judge(reference, trajectory.World.Options));
            if (name == RevisitPolicy)
                foreach (var h in RevisitHorizons.Where(h => h <= frames.Count))
                    (revisitPsnr.TryGetValue(h, out var list) ? list : revisitPsnr[h] = []).Add(FrameQuality.Psnr(frames[h - 1], reference[h - 1]));
            if (!Strips.ContainsKey(name))
                Strips[name] = StripSeconds.Select(s => (s, Math.Clamp((int)(s * fps) - 1, 0, frames.Count - 1)))
                    .DistinctBy(p => p.Item2).Select(p => (p.s, reference[p.Item2], frames[p.Item2])).ToList();
        }
    }

    public double RealRealismDb => realRealism.Average();

    /// <summary>Mean stored bytes of the memory entries the played worlds held at their end (true history and generated frames).</summary>
    public double? MemoryEntryBytes => memoryEntries == 0 ? null : (double)memoryBytes / memoryEntries;

    /// <summary>Realism, gradient and grid energy of each frame (absolute; <see cref="Windows"/> makes them relative).</summary>
    private (double[] Realism, double[] Gradient, double[] Grid) Judge(IReadOnlyList<byte[]> frames, WorldOptions options)
    {
        var realism = new double[frames.Count];
        var gradient = new double[frames.Count];
        var grid = new double[frames.Count];
        Parallel.For(0, frames.Count, h =>
        {
            realism[h] = bank.Realism(frames[h]);
            gradient[h] = PlayQuality.Gradient(frames[h], options.Width, options.Height);
            grid[h] = PlayQuality.Checkerboard(frames[h], options.Width, options.Height);
        });
        return (realism, gradient, grid);
    }

    /// <summary>
    /// Mean realism, sharpness and grid energy of each policy's frames per window of <see cref="WindowEdgesSeconds"/>;
    /// of the reference world's frames under the same actions with <paramref name="reference"/>.
    /// </summary>
    public Dictionary<string, List<PlayWindow>> Windows(bool reference = false)
    {
        double sharp = realGradient.Average(), grid = realGrid.Average();
        return (reference ? referenceCurves : curves).ToDictionary(c => c.Key, c => WindowEdgesSeconds.Zip(WindowEdgesSeconds.Skip(1))
            .Select(w => c.Value.Mean((int)(w.First * fps), (int)(w.Second * fps)) is { } m
                ? new PlayWindow(w.First, Math.Min(w.Second, (double)c.Value.Steps / fps), Round(m.Realism), Round(m.Gradient / sharp), Round(m.Grid / grid), m.Frames)
                : null)
            .OfType<PlayWindow>().ToList());
    }

    /// <summary>
    /// Per second of play: mean realism (dB) and sharpness (relative to real frames), keyed "free play, POLICY" for
    /// the model and "reference world, POLICY" for the world under the same actions.
    /// </summary>
    public Dictionary<string, (double[] Realism, double[] Sharpness)> PerSecond()
    {
        var sharp = realGradient.Average();
        (double[], double[]) Seconds(PlayCurve curve)
        {
            var seconds = Enumerable.Range(0, curve.Steps / fps).Select(s => curve.Mean(s * fps, (s + 1) * fps)!.Value).ToList();
            return (seconds.Select(m => m.Realism).ToArray(), seconds.Select(m => m.Gradient / sharp).ToArray());
        }
        return curves.Select(c => ($"free play, {c.Key}", Seconds(c.Value)))
            .Concat(referenceCurves.Select(c => ($"reference world, {c.Key}", Seconds(c.Value))))
            .ToDictionary(p => p.Item1, p => p.Item2);
    }

    public Dictionary<string, double> RevisitPsnr() => revisitPsnr.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(), p => Round(p.Value.Average()));

    private void MeasureReal(ReferenceTrajectory trajectory)
    {
        var options = trajectory.World.Options;
        var frames = trajectory.Frames;
        var realism = new double[frames.Count];
        Parallel.For(0, frames.Count, t => realism[t] = bank.Realism(frames[t]));
        realRealism.AddRange(realism);
        realGradient.AddRange(frames.Select(f => PlayQuality.Gradient(f, options.Width, options.Height)));
        realGrid.AddRange(frames.Select(f => PlayQuality.Checkerboard(f, options.Width, options.Height)));
    }

    private List<int> RevisitStarts(ReferenceTrajectory trajectory, int count)
    {
        var starts = new List<int>();
        for (var t = contextFrames + 8; t < trajectory.Length && starts.Count < count; t++)
            if ((starts.Count == 0 || t - starts[^1] >= RevisitSpacing) && PlayPolicy.CorridorIsFree(trajectory.World, trajectory.AgentPoses[t - 1]))
                starts.Add(t);
        return starts;
    }

    /// <summary>The reference world walks the cycle twice from the start's pose, remembered as seen; the model then plays on from there.</summary>
    private (string, RolloutRow, List<byte[]>) RevisitRow(int seed, ReferenceTrajectory trajectory, int start, int horizon)
    {
        var seeding = PlayPolicy.Revisit(SeedingCycles * PlayPolicy.RevisitCycleLength);
        var seen = Replay(trajectory.World, trajectory.AgentPoses[start - 1], seeding);
        var memory = Evaluation.History(policy, memoryFrames, trajectory, start);
        for (var i = 0; i < seen.Frames.Count; i++) memory.Remember(seen.Frames[i], ReferenceTrajectory.ToPose(seen.Poses[i]), start + i);
        var context = seen.Frames.TakeLast(contextFrames).ToList();
        var actions = PlayPolicy.Revisit(horizon, firstCycle: SeedingCycles);
        var row = new RolloutRow((ulong)seed, start + seeding.Count, context, ReferenceTrajectory.ToPose(seen.Poses[^1]),
            actions.Select(a => (int)a).ToList(), memory);
        return (RevisitPolicy, row, Replay(trajectory.World, seen.Poses[^1], actions).Frames);
    }

    private static (List<byte[]> Frames, List<AgentPose> Poses) Replay(World world, AgentPose from, IReadOnlyList<WorldAction> actions)
    {
        var saved = world.Pose;
        world.Pose = from;
        var frames = new List<byte[]>(actions.Count);
        var poses = new List<AgentPose>(actions.Count);
        foreach (var action in actions)
        {
            world.Apply(action);
            frames.Add(world.Render());
            poses.Add(world.Pose);
        }
        world.Pose = saved;
        return (frames, poses);
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>Per step of play: sums over rollouts of each measure.</summary>
    private sealed class PlayCurve
    {
        private readonly List<(double Realism, double Gradient, double Grid, int Count)> steps = [];

        public int Steps => steps.Count;

        public void Add((double[] Realism, double[] Gradient, double[] Grid) judged)
        {
            var (realism, gradient, grid) = judged;
            for (var h = 0; h < realism.Length; h++)
            {
                if (h == steps.Count) steps.Add(default);
                var s = steps[h];
                steps[h] = (s.Realism + realism[h], s.Gradient + gradient[h], s.Grid + grid[h], s.Count + 1);
            }
        }

        public (double Realism, double Gradient, double Grid, int Frames)? Mean(int from, int to)
        {
            var part = steps.Skip(from).Take(to - from).ToList();
            var n = part.Sum(s => s.Count);
            return n == 0 ? null : (part.Sum(s => s.Realism) / n, part.Sum(s => s.Gradient) / n, part.Sum(s => s.Grid) / n, n);
        }
    }
}

/// <summary>
/// A window of free play: seconds from–to, mean realism (dB), sharpness and grid energy relative to real frames, frames
/// judged; with <see cref="FreePlayFidelity"/>'s colour and classifier measures where they were taken.
/// </summary>
public sealed record PlayWindow(double FromS, double ToS, double RealismDb, double Sharpness, double GridEnergy, int Frames)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ColourfulShare { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ColourTvd { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ColourTvdControl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? C2stAccuracy { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? C2stControl { get; init; }
}
