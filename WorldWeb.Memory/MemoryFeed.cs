using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Stepping;

namespace WorldWeb.Memory;

/// <summary>
/// Retrieval into generation: the server's worlds and the evaluation both fill a batch row's memory slots through
/// this, so the eval measures the server's path. Holds the recall buffer, so a step allocates nothing.
/// </summary>
public sealed class MemoryFeed(int slots, int contextFrames)
{
    private readonly MemoryEntry?[] _recalled = new MemoryEntry?[slots];

    /// <summary>
    /// As <see cref="Fill(StepBatch, int, WorldMemory, Pose, long)"/>, for a step whose action may change the world: if
    /// it does (<paramref name="changesWorld"/>), memory first forgets the views of the changed spot
    /// (<see cref="WorldMemory.WorldChanged"/> where the player stands, at this step), so that the step drawing the
    /// change recalls none of them to pull it back to how the spot looked (training leaves them out too: datagen's
    /// stale_from). <paramref name="forgotten"/>: how many views were forgotten.
    /// </summary>
    public int Fill(StepBatch batch, int row, WorldMemory memory, Pose previous, long step, bool changesWorld, out int forgotten)
    {
        forgotten = changesWorld ? memory.WorldChanged(previous, step) : 0;
        return Fill(batch, row, memory, previous, step);
    }

    /// <summary>
    /// Writes the memories most useful for step <paramref name="step"/> into <paramref name="row"/>, with their poses
    /// relative to <paramref name="previous"/> (the pose at step − 1). Only memories at least the training pipeline's
    /// gap older than the context are recalled. Returns how many slots were filled; the rest stay empty.
    /// </summary>
    public int Fill(StepBatch batch, int row, WorldMemory memory, Pose previous, long step)
    {
        if (_recalled.Length == 0)
        {
            return 0;
        }
        int count = memory.Recall(previous, step - contextFrames - memory.Policy.RecallGap + 1, _recalled);
        for (int slot = 0; slot < count; slot++)
        {
            MemoryEntry entry = _recalled[slot]!;
            batch.SetMemory(row, slot, entry.Rgb, RelativePose.Of(previous, entry.Pose));
        }
        return count;
    }
}
