using WorldWeb.Inference.Poses;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// What a world remembers of where it has been, fed to the model's memory slots. Must be deterministic:
/// the same frames, poses and steps in the same order give the same recalls, so replaying the action log
/// regenerates the same frames.
/// </summary>
public interface IWorldMemory
{
    /// <summary>Offers the frame generated at <paramref name="step"/>; the memory decides whether to keep it.</summary>
    void Remember(byte[] rgb, Pose pose, long step);

    /// <summary>Up to <paramref name="slots"/> keyframes from before <paramref name="beforeStep"/>, best first, for the pose <paramref name="current"/>.</summary>
    IReadOnlyList<Keyframe> Recall(Pose current, long beforeStep, int slots);

    /// <summary>Everything held, oldest first, for a save; <see cref="KeyframeMemory.Restore"/> takes it back.</summary>
    IReadOnlyList<Keyframe> Keyframes { get; }
}
