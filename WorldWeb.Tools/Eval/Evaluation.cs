using System.Text.Json.Serialization;
using WorldWeb.Inference.Packages;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Runs the evaluation's experiments and keeps their measurements. Memory is the server's own
/// (<see cref="WorldMemory"/> with <paramref name="policy"/>: its write policy, budget and retrieval; frames stored by
/// <paramref name="memoryFrames"/>), fed the true
/// history; with <paramref name="memory"/> off, teacher forcing and rollouts run without it (loop closure always
/// compares both).
/// </summary>
public sealed class Evaluation(Rollout rollout, int contextFrames, MemoryPolicy policy, MemoryFrameCodec memoryFrames, bool memory = true)
{
    private readonly List<double> teacherPsnr = [];
    private readonly List<double> teacherSsim = [];
    private readonly List<double> copyLastPsnr = [];
    private readonly List<double>[] horizonPsnr = Enumerable.Range(0, EvalCommand.Horizons[^1]).Select(_ => new List<double>()).ToArray();
    private readonly List<double> poseErrors = [];
    private readonly List<double> loopWithMemory = [];
    private readonly List<double> loopWithoutMemory = [];
    private readonly List<double> loopPathWithMemory = [];
    private readonly List<double> loopPathWithoutMemory = [];

    /// <summary>Reference frames and the first rollout's frames, for the side-by-side strip.</summary>
    public List<(byte[] Reference, byte[] Generated, int Horizon)> RolloutStrip { get; } = [];

    /// <summary>The first loop's view of A: reference, with memory, without memory.</summary>
    public (byte[] Reference, byte[] WithMemory, byte[] WithoutMemory)? LoopStrip { get; private set; }

    public IReadOnlyList<double> MeanPsnrByHorizon => horizonPsnr.Select(l => l.Count > 0 ? l.Average() : double.NaN).ToList();
    public double? LoopPsnrWithMemory => Mean(loopWithMemory);
    public double? LoopPsnrWithoutMemory => Mean(loopWithoutMemory);
    public double? TeacherForcedPsnr => Mean(teacherPsnr);

    /// <summary>Every step gets the true last K frames and the true history as memory; nothing generated is reused.</summary>
    public void TeacherForced(int seed, ReferenceTrajectory trajectory)
    {
        var history = memory ? History(trajectory, trajectory.Length) : null;
        var rows = Enumerable.Range(contextFrames, trajectory.Length - contextFrames)
            .Select(t => new RolloutRow((ulong)seed, t, Slice(trajectory.Frames, t - contextFrames, contextFrames),
                trajectory.Poses[t - 1], [trajectory.Actions[t]], history, RememberGenerated: false))
            .ToList();
        rollout.Run(rows);
        foreach (var row in rows)
        {
            var reference = trajectory.Frames[row.FirstStep];
            teacherPsnr.Add(FrameQuality.Psnr(row.Frames[0], reference));
            copyLastPsnr.Add(FrameQuality.Psnr(trajectory.Frames[row.FirstStep - 1], reference));
            teacherSsim.Add(FrameQuality.Ssim(row.Frames[0], reference, trajectory.World.Options.Width, trajectory.World.Options.Height));
        }
    }

    /// <summary>From true context at a few start steps, the model runs on its own, with memory of the true history.</summary>
    public void Rollouts(int seed, ReferenceTrajectory trajectory, int count, int horizon)
    {
        var last = Math.Max(contextFrames, trajectory.Length - horizon);
        var starts = Enumerable.Range(0, count).Select(i => contextFrames + (last - contextFrames) * i / Math.Max(1, count - 1)).Distinct().ToList();
        var rows = starts.Select(s => new RolloutRow((ulong)seed, s, Slice(trajectory.Frames, s - contextFrames, contextFrames),
                trajectory.Poses[s - 1], trajectory.Actions.Skip(s).Take(horizon).ToList(), memory ? History(trajectory, s) : null))
            .ToList();
        rollout.Run(rows);
        foreach (var row in rows)
        {
            for (var h = 0; h < row.Frames.Count; h++)
                horizonPsnr[h].Add(FrameQuality.Psnr(row.Frames[h], trajectory.Frames[row.FirstStep + h]));
            if (row.Poses.Count >= 32)
            {
                var truth = trajectory.Poses[row.FirstStep + 31];
                var tracked = row.Poses[31];
                poseErrors.Add(truth.DistanceTo(tracked));
            }
        }
        if (RolloutStrip.Count == 0)
            foreach (var h in new[] { 1, 2, 4, 8, 16, 32, 64, 128 }.Where(h => h <= rows[0].Frames.Count))
                RolloutStrip.Add((trajectory.Frames[rows[0].FirstStep + h - 1], rows[0].Frames[h - 1], h));
    }

    /// <summary>Loops from several points of the walk, run once with memory and once without.</summary>
    public void Loops(int seed, ReferenceTrajectory trajectory, int count)
    {
        var starts = LoopClosure.FindStarts(trajectory, contextFrames + 8, count, spacing: 20);
        if (starts.Count == 0)
        {
            Console.WriteLine($"eval: seed {seed}: no free loop found; loop closure skipped for this seed");
            return;
        }
        List<RolloutRow> Rows(bool withMemory) => starts.Select((a, i) => new RolloutRow((ulong)seed, a + 1,
                Slice(trajectory.Frames, a + 1 - contextFrames, contextFrames), trajectory.Poses[a],
                LoopClosure.Actions(LoopClosure.LoopTurn(i)).Select(x => (int)x).ToList(),
                withMemory ? History(trajectory, a + 1) : null))
            .ToList();
        var with = Rows(withMemory: true);
        var without = Rows(withMemory: false);
        rollout.Run([.. with, .. without]);
        for (var i = 0; i < starts.Count; i++)
        {
            var reference = trajectory.Frames[starts[i]];
            loopWithMemory.Add(FrameQuality.Psnr(with[i].Frames[^1], reference));
            loopWithoutMemory.Add(FrameQuality.Psnr(without[i].Frames[^1], reference));
            // Over the whole walk too: a model that ignores actions and freezes on A would score well at the end alone.
            loopPathWithMemory.Add(PathPsnr(with[i], trajectory, starts[i]));
            loopPathWithoutMemory.Add(PathPsnr(without[i], trajectory, starts[i]));
        }
        LoopStrip ??= (trajectory.Frames[starts[0]], with[0].Frames[^1], without[0].Frames[^1]);
    }

    public EvalReport Report(ModelPackage package, IReadOnlyList<int> seeds, string? actionsFile, FreePlay? freePlay, EditPersistence? edits, TimeSpan elapsed) => new(
        Model: package.Manifest.Name,
        ModelVersion: package.Manifest.Version,
        Seeds: seeds,
        Actions: actionsFile,
        ExecutionProvider: package.ExecutionProvider.ToString().ToLowerInvariant(),
        Precision: package.Precision.ToString().ToLowerInvariant(),
        Memory: memory ? "server-world-memory" : "off",
        MemoryFormat: memoryFrames.Description,
        MemoryEntryBytes: freePlay?.MemoryEntryBytes is { } bytes ? Round(bytes) : null,
        TeacherForcedPsnr: Mean(teacherPsnr),
        TeacherForcedSsim: Mean(teacherSsim),
        CopyLastPsnr: Mean(copyLastPsnr),
        FreePlay: freePlay?.Fidelity.Annotate(freePlay.Windows()),
        FreePlayReference: freePlay?.Fidelity.Annotate(freePlay.Windows(reference: true), reference: true),
        RealRealismDb: freePlay is null ? null : Round(freePlay.RealRealismDb),
        RevisitPsnr: freePlay?.RevisitPsnr(),
        EditPersistence: edits?.Report(),
        RolloutPsnr: EvalCommand.Horizons.Where(h => horizonPsnr[h - 1].Count > 0).ToDictionary(h => h.ToString(), h => Round(horizonPsnr[h - 1].Average())),
        LoopPsnrMemory: LoopPsnrWithMemory,
        LoopPsnrNoMemory: LoopPsnrWithoutMemory,
        LoopPathPsnrMemory: Mean(loopPathWithMemory),
        LoopPathPsnrNoMemory: Mean(loopPathWithoutMemory),
        LoopCount: loopWithMemory.Count,
        PoseError32: Mean(poseErrors),
        TeacherForcedFrames: teacherPsnr.Count,
        Seconds: Round(elapsed.TotalSeconds),
        C2st: freePlay?.Fidelity.TwoSample);

    private static double PathPsnr(RolloutRow row, ReferenceTrajectory trajectory, int start)
    {
        var world = World.Create(trajectory.World.Seed, trajectory.World.Options);
        world.Pose = trajectory.AgentPoses[start];
        var total = 0.0;
        for (var h = 0; h < row.Frames.Count; h++)
        {
            world.Apply((WorldAction)row.Actions[h]);
            total += FrameQuality.Psnr(row.Frames[h], world.Render());
        }
        return total / row.Frames.Count;
    }

    private WorldMemory History(ReferenceTrajectory trajectory, int upTo) => History(policy, memoryFrames, trajectory, upTo);

    /// <summary>The true history up to <paramref name="upTo"/>, offered frame by frame to a memory as a world on the server would.</summary>
    internal static WorldMemory History(MemoryPolicy policy, MemoryFrameCodec memoryFrames, ReferenceTrajectory trajectory, int upTo)
    {
        var history = new WorldMemory(policy, memoryFrames);
        for (var t = 0; t < upTo; t++) history.Remember(trajectory.Frames[t], trajectory.Poses[t], t);
        return history;
    }

    private static List<byte[]> Slice(IReadOnlyList<byte[]> frames, int start, int count) => frames.Skip(start).Take(count).ToList();

    private static double? Mean(List<double> values) => values.Count > 0 ? Round(values.Average()) : null;

    private static double Round(double value) => Math.Round(value, 3);
}

public sealed record EvalReport(
    string Model, string ModelVersion, IReadOnlyList<int> Seeds, string? Actions, string ExecutionProvider, string Precision, string Memory,
    string MemoryFormat, double? MemoryEntryBytes,
    double? TeacherForcedPsnr, double? TeacherForcedSsim, double? CopyLastPsnr,
    IReadOnlyDictionary<string, List<PlayWindow>>? FreePlay, IReadOnlyDictionary<string, List<PlayWindow>>? FreePlayReference, double? RealRealismDb, IReadOnlyDictionary<string, double>? RevisitPsnr,
    IReadOnlyList<EditPersistenceRow>? EditPersistence, IReadOnlyDictionary<string, double> RolloutPsnr,
    double? LoopPsnrMemory, double? LoopPsnrNoMemory, double? LoopPathPsnrMemory, double? LoopPathPsnrNoMemory, int LoopCount,
    [property: JsonPropertyName("pose_error_32")] double? PoseError32, int TeacherForcedFrames, double Seconds,
    TwoSampleReport? C2st = null);
