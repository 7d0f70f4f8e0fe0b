namespace WorldWeb.Inference.Packages;

/// <summary>
/// What a package says about the poses of its world (optional, docs/model-format.md "Poses").
/// </summary>
/// <param name="HeadingStepDegrees">
/// Every heading of the world is a multiple of this angle (the reference world turns 5° a step), so the tracked pose
/// rounds each step's turn to it: the pose head's small error per turn then never adds up.
/// </param>
/// <param name="MoveSteps">
/// Per action name, the step <c>[forward, right]</c> (cells, in the player's frame) the world moves the player unless
/// a wall stops it (the reference world: forward 0.1, strafe 0.08; <c>[0, 0]</c> for a turn or a paint, which never
/// moves it), so the tracked pose takes a move the pose head puts near it as exactly that step, and one it puts near
/// standing as standing.
/// </param>
public sealed record PoseSpec(double? HeadingStepDegrees = null, IReadOnlyDictionary<string, double[]>? MoveSteps = null)
{
    public const double MaxHeadingStepDegrees = 90;
    /// <summary>A move step is at most this many cells (a world model's step is a fraction of a frame's view).</summary>
    public const double MaxMoveStepCells = 10;
}
