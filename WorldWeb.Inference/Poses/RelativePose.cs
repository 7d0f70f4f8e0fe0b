namespace WorldWeb.Inference.Poses;

/// <summary>
/// A pose seen from another pose: <c>forward</c> along the viewer's heading, <c>right</c> to its right,
/// <c>dheading</c> the turn between them in (−π, π]. It is both a model's <c>pose_delta</c> and the first three
/// values of a <c>memory_pose</c> row.
/// </summary>
public readonly record struct RelativePose(double Forward, double Right, double DHeading)
{
    /// <summary>Pose <paramref name="to"/> as seen from pose <paramref name="from"/> (docs/model-format.md).</summary>
    public static RelativePose Of(Pose from, Pose to)
    {
        (double sin, double cos) = Math.SinCos(from.Heading);
        double dx = to.X - from.X, dy = to.Y - from.Y;
        return new RelativePose(dx * cos + dy * sin, -dx * sin + dy * cos, Angles.Wrap(to.Heading - from.Heading));
    }

    /// <summary>Reads a model's <c>pose_delta</c> row <c>(forward, right, dheading)</c>.</summary>
    public static RelativePose FromPoseDelta(ReadOnlySpan<float> poseDelta)
    {
        if (poseDelta.Length != 3)
        {
            throw new ArgumentException($"a pose_delta row has 3 values, not {poseDelta.Length}", nameof(poseDelta));
        }
        return new RelativePose(poseDelta[0], poseDelta[1], poseDelta[2]);
    }
}
