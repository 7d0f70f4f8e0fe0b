namespace WorldWeb.Inference.Packages;

/// <summary>
/// What a package says about the poses of its world (optional, docs/model-format.md "Poses").
/// </summary>
/// <param name="HeadingStepDegrees">
/// Every heading of the world is a multiple of this angle (the reference world turns 5° a step), so the tracked pose
/// rounds each step's turn to it: the pose head's small error per turn then never adds up.
/// </param>
public sealed record PoseSpec(double? HeadingStepDegrees = null)
{
    public const double MaxHeadingStepDegrees = 90;
}
