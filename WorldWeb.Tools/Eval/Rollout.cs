using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// One world the model runs on its own: start context and pose, the actions to take, and optional memory (the
/// server's <see cref="WorldMemory"/>), which also offered the generated frames unless <see cref="RememberGenerated"/>
/// is off (teacher forcing).
/// </summary>
public sealed record RolloutRow(ulong Seed, int FirstStep, IReadOnlyList<byte[]> Context, Pose StartPose, IReadOnlyList<int> Actions, WorldMemory? Memory, bool RememberGenerated = true)
{
    public List<byte[]> Frames { get; } = [];
    public List<Pose> Poses { get; } = [];
}

/// <summary>
/// Runs many rollouts in lockstep, all rows of a chunk in one batched step per generated frame — the
/// same way the server steps its worlds, and with the server's retrieval (<see cref="MemoryFeed"/>). Each row's
/// generated frames become its own context. An action that changes the world makes its memory forget what it
/// showed of the changed spot before the step recalls (<see cref="WorldMemory.WorldChanged"/>), and the pose is tracked by the server's rule
/// (<see cref="PoseTracking"/>).
/// </summary>
public sealed class Rollout(WorldModel model, int batchCapacity = 32)
{
    private readonly MemoryFeed feed = new(model.Manifest.MemorySlots, model.Manifest.ContextFrames);
    private readonly PoseTracking poseTracking = PoseTracking.Of(model.Manifest);
    private readonly HashSet<int> changesWorld = [.. model.Manifest.Actions.Where(a => a.ChangesWorld).Select(a => a.Index)];

    /// <param name="progress">Called every <see cref="ProgressEvery"/> steps of a chunk with (step, steps).</param>
    public void Run(IReadOnlyList<RolloutRow> rows, Action<int, int>? progress = null)
    {
        using var batch = model.CreateBatch(batchCapacity);
        // Longest first, so that a chunk runs about as long as its rows do (a row's frames do not depend on its batch mates).
        foreach (var chunk in rows.OrderByDescending(r => r.Actions.Count).Chunk(batchCapacity)) RunChunk(batch, chunk, progress);
    }

    public const int ProgressEvery = 250;

    private void RunChunk(StepBatch batch, RolloutRow[] rows, Action<int, int>? progress)
    {
        var contexts = rows.Select(r => new List<byte[]>(r.Context)).ToArray();
        var poses = rows.Select(r => r.StartPose).ToArray();
        var steps = rows.Max(r => r.Actions.Count);
        for (var h = 0; h < steps; h++)
        {
            if (h > 0 && h % ProgressEvery == 0) progress?.Invoke(h, steps);
            batch.Clear();
            var active = new List<int>();
            for (var i = 0; i < rows.Length; i++)
            {
                if (h >= rows[i].Actions.Count) continue;
                active.Add(i);
                Fill(batch, batch.AddRow(), rows[i], contexts[i], poses[i], rows[i].FirstStep + h, rows[i].Actions[h]);
            }
            model.Step(batch);
            for (var row = 0; row < active.Count; row++)
            {
                var i = active[row];
                var frame = batch.Frame(row).ToArray();
                var rgb = new byte[frame.Length];
                FrameMath.ToRgb24(frame, rgb);
                var step = rows[i].FirstStep + h;
                poses[i] = poseTracking.Next(poses[i], rows[i].Actions[h], batch.PoseDelta(row), rows[i].Memory is { } memory ? new Func<Pose, bool>(memory.Stood.Contains) : null,
                    viewUnchanged: rgb.AsSpan().SequenceEqual(contexts[i][^1]));
                rows[i].Frames.Add(rgb);
                rows[i].Poses.Add(poses[i]);
                if (rows[i].RememberGenerated) rows[i].Memory?.Remember(rgb, poses[i], step);
                contexts[i].RemoveAt(0);
                // What users see is 8-bit; feeding the rounded frame back keeps eval and server identical.
                contexts[i].Add(rgb);
            }
        }
    }

    private void Fill(StepBatch batch, int row, RolloutRow spec, List<byte[]> context, Pose previous, int step, int action)
    {
        batch.SetContext(row, context);
        batch.SetAction(row, action);
        batch.SetViewPose(row, previous);
        WorldNoise.Fill(spec.Seed, step, batch.Noise(row));
        if (spec.Memory is not null) feed.Fill(batch, row, spec.Memory, previous, step, changesWorld.Contains(action), out _);
    }
}
