using Microsoft.ML.OnnxRuntime;

namespace WorldWeb.Inference.Stepping;

/// <summary>How a <see cref="ContextPool"/>'s graph runs one step, into the batch's outputs and the next pool.</summary>
internal interface IPoolRun : IDisposable
{
    /// <param name="options">The model's run options, and <paramref name="tensors"/> the batch's values over its host
    /// buffers: what a run bound afresh each step binds (a replayed run has its own, bound once).</param>
    void Run(RunOptions options, StepTensors tensors, PoolStep step);
}

/// <summary>
/// One step of a pool: the slot of each of <paramref name="Rows"/> rows, and <paramref name="UploadCount"/> contexts
/// (back to back in <paramref name="Uploads"/>) to write to their slots (<paramref name="UploadSlots"/>) first.
/// The arrays are pinned.
/// </summary>
internal readonly record struct PoolStep(long[] Slots, int Rows, long[] UploadSlots, byte[] Uploads, int UploadCount);
