using WorldWeb.Inference.Poses;

namespace WorldWeb.Memory;

/// <summary>
/// Which views could have shown the spot a change to the world (a paint) touched, so that memory forgets them and
/// keeps the first view of the spot since it changed. Pure: the server applies it to tracked poses
/// (<see cref="WorldMemory.WorldChanged"/>), the training data generator to true ones (<see cref="StaleFrom"/>).
/// Walls are unknown here (the server has only poses), so occlusion is ignored: a view behind a wall counts as
/// seeing, which forgets more than needed but never keeps a stale view.
/// </summary>
public static class ChangeSight
{
    /// <summary>How far a paint reaches along the painter's view direction (cells): the changed wall face is no further.</summary>
    public const double ReachCells = 1.5;

    /// <summary>… and no nearer than the player's radius (0.2 in the reference world): no wall is closer.</summary>
    public const double NearestCells = 0.2;

    /// <summary>
    /// Whether a frame seen from <paramref name="view"/> could show the spot changed from <paramref name="change"/>:
    /// some point of the segment the spot lies on is in front of the view, at most half the field of view plus the
    /// margin off its heading, and within <see cref="MemoryPolicy.ChangeViewCells"/> of it.
    /// </summary>
    public static bool CouldShow(Pose view, Pose change, MemoryPolicy policy)
    {
        // Seen from the view, the segment is w + t·u for t in [lo, hi]; each condition below narrows [lo, hi], exactly
        // rather than at sampled points, so a view that sees only a sliver of it between samples still counts.
        (double uy, double ux) = Math.SinCos(change.Heading);
        double wx = change.X - view.X, wy = change.Y - view.Y, lo = NearestCells, hi = ReachCells;
        double half = (policy.FieldOfViewDegrees / 2 + policy.ChangeMarginDegrees) * Math.PI / 180;
        // Inside both edges of the view's wedge: for a half-angle up to 90° (the policy's bounds) their half-planes
        // meet in front of the view, so a spot behind it is never inside.
        (double sinL, double cosL) = Math.SinCos(view.Heading - half);
        (double sinR, double cosR) = Math.SinCos(view.Heading + half);
        Keep(-sinL * wx + cosL * wy, -sinL * ux + cosL * uy, ref lo, ref hi);
        Keep(sinR * wx - cosR * wy, sinR * ux - cosR * uy, ref lo, ref hi);
        // Within the view distance: |w + t·u|² ≤ d², a quadratic in t (|u| = 1).
        double b = wx * ux + wy * uy, c = wx * wx + wy * wy - policy.ChangeViewCells * policy.ChangeViewCells;
        double discriminant = b * b - c;
        if (discriminant < 0)
        {
            return false;
        }
        double root = Math.Sqrt(discriminant);
        return Math.Max(lo, -b - root) <= Math.Min(hi, -b + root);
    }

    /// <summary>
    /// For each step m of an episode (<paramref name="poses"/>, one per step), the first step after m whose change
    /// the view at m could show, from which on the frame at m is stale as a memory; the episode's length if none.
    /// A change at step c is first shown by frame c, so it makes frames before c stale, as
    /// <see cref="WorldMemory.WorldChanged"/> does.
    /// </summary>
    public static int[] StaleFrom(IReadOnlyList<Pose> poses, IReadOnlyList<(int Step, Pose At)> changes, MemoryPolicy policy)
    {
        foreach ((int step, _) in changes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(step, nameof(changes));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, poses.Count, nameof(changes));
        }
        int[] staleFrom = new int[poses.Count];
        for (int m = 0; m < poses.Count; m++)
        {
            staleFrom[m] = poses.Count;
            foreach ((int step, Pose at) in changes)
            {
                if (step > m && step < staleFrom[m] && CouldShow(poses[m], at, policy))
                {
                    staleFrom[m] = step;
                }
            }
        }
        return staleFrom;
    }

    /// <summary>Narrows [lo, hi] to the t where c0 + c1·t ≥ 0.</summary>
    private static void Keep(double c0, double c1, ref double lo, ref double hi)
    {
        if (c1 > 0)
        {
            lo = Math.Max(lo, -c0 / c1);
        }
        else if (c1 < 0)
        {
            hi = Math.Min(hi, -c0 / c1);
        }
        else if (c0 < 0)
        {
            hi = double.NegativeInfinity;
        }
    }
}
