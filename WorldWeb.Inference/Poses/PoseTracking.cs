using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Poses;

/// <summary>
/// How a world's tracked pose follows its model, the one rule for the server's worlds, their replays and eval: each
/// step's <c>pose_delta</c> applied to the pose before, except after noop, and with the turn rounded to the package's
/// heading step where it declares one (<see cref="PoseSpec"/>).
/// </summary>
public sealed class PoseTracking
{
    private readonly double? _headingStep;

    public PoseTracking(PoseSpec? poses)
    {
        _headingStep = poses?.HeadingStepDegrees * Math.PI / 180;
    }

    public static PoseTracking Of(ModelManifest manifest) => new(manifest.Poses);

    /// <summary>The pose after a step of <paramref name="action"/> whose model answered <paramref name="poseDelta"/>.</summary>
    public Pose Next(Pose pose, int action, ReadOnlySpan<float> poseDelta)
    {
        // Noop moves nobody. The model's pose_delta on it is not quite zero (~0.03° a step, one way), and standing
        // 10 s drifted the tracked pose 0.26 cells and 5.7°, enough to lose a wall's memory (bench turnaround).
        if (action == ActionSpec.Noop)
        {
            return pose;
        }
        RelativePose delta = RelativePose.FromPoseDelta(poseDelta);
        if (_headingStep is { } step)
        {
            delta = delta with { DHeading = Math.Round(delta.DHeading / step) * step };
        }
        return pose.Apply(delta);
    }
}
