namespace WorldWeb.Inference.Poses;

/// <summary>
/// Where the player stands, in maze-cell units: <c>x</c> grows east, <c>y</c> grows south, and heading θ (radians)
/// looks along (cos θ, sin θ), so turning right increases θ.
/// </summary>
public readonly record struct Pose(double X, double Y, double Heading)
{
    /// <summary>How far apart the two positions are, in cells (headings aside).</summary>
    public double DistanceTo(Pose other) => Math.Sqrt((X - other.X) * (X - other.X) + (Y - other.Y) * (Y - other.Y));

    /// <summary>
    /// The pose reached by moving <paramref name="delta"/> (a model's <c>pose_delta</c>) from this one:
    /// the inverse of <see cref="RelativePose.Of"/>, so <c>p.Apply(RelativePose.Of(p, q)) ≈ q</c>.
    /// </summary>
    public Pose Apply(RelativePose delta)
    {
        (double sin, double cos) = Math.SinCos(Heading);
        return new Pose(
            X + delta.Forward * cos - delta.Right * sin,
            Y + delta.Forward * sin + delta.Right * cos,
            Angles.Wrap(Heading + delta.DHeading));
    }
}
