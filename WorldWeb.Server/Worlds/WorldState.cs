using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// A world at one step, exactly: the context frames (RGB24, oldest first; every frame the model sees has been
/// rounded to 8 bits, so nothing is lost), the tracked pose and the memory it held (by reference: the entries live
/// in the memory store) and what its coherence guard had seen (null for a new world and for saves made before the
/// guard's state was kept). Noise needs no state: it is drawn from (seed, step).
/// </summary>
public sealed record WorldState(long Step, Pose Pose, IReadOnlyList<byte[]> Context, MemorySnapshot Memory, CoherenceState? Coherence = null)
{
    /// <summary>The frame the world shows at <see cref="Step"/>.</summary>
    public byte[] CurrentFrame => Context[^1];
}

/// <summary>
/// The revisit score, the rollback count, the guard's judgement so far and the state a rollback returns to. A
/// resumed world needs all of it to judge its replayed frames exactly as the running world did: otherwise a fault
/// just after the save rolls back in one and not the other, and the replay no longer regenerates the world.
/// </summary>
public sealed record CoherenceState(int Revisits, double RevisitPsnrSum, double? LastRevisitPsnr, int Rollbacks,
    CoherenceGuard.GuardState Guard, Pose CheckpointPose, IReadOnlyList<byte[]> CheckpointContext);
