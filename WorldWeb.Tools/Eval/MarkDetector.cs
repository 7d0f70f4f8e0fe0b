using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Painting;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Whether a frame shows a painted mark where the reference world has it. The mark's footprint is where the maze's
/// view from the same pose with the mark (its first colour) differs from its view without; a frame shows the mark when most footprint
/// pixels are nearer the marked view's colour than the unmarked view's. The world's own frames score 1 (marked) and
/// 0 (unmarked) by construction; a frame whose view shows no footprint (the face is out of view) is not scored.
/// </summary>
public sealed class MarkDetector
{
    /// <summary>Per channel, a footprint pixel differs by more than this between the two views.</summary>
    private const int FootprintDifference = 24;

    /// <summary>A mark covering fewer pixels than this is on a far wall (training/paint_check.py's CLOSE_FOOTPRINT).</summary>
    public const int CloseFootprint = 1000;

    private readonly byte[] marked, unmarked;
    private readonly int[] footprint;

    /// <summary>The views from <paramref name="pose"/> of maze <paramref name="seed"/>, unpainted, and with a mark on <paramref name="face"/>.</summary>
    public MarkDetector(int seed, WorldOptions options, AgentPose pose, WallFace face)
    {
        var world = World.Create(seed, options);
        world.Pose = pose;
        unmarked = world.Render();
        world.Marks.Paint(face);
        marked = world.Render();
        footprint = [.. Enumerable.Range(0, marked.Length / 3).Where(p => Differs(marked, unmarked, p))];
    }

    /// <summary>Pixels the mark covers in this view; 0 when the face is out of view.</summary>
    public int FootprintPixels => footprint.Length;

    /// <summary>Whether the mark is on a far wall: in view, but covering fewer than <see cref="CloseFootprint"/> pixels.</summary>
    public bool IsFar => footprint.Length is > 0 and < CloseFootprint;

    /// <summary>The share of footprint pixels nearer the marked view than the unmarked one (0–1); null when there is no footprint.</summary>
    public double? Score(ReadOnlySpan<byte> rgb)
    {
        if (footprint.Length == 0) return null;
        var nearer = 0;
        foreach (var p in footprint)
            if (Distance(rgb, marked, p) < Distance(rgb, unmarked, p)) nearer++;
        return (double)nearer / footprint.Length;
    }

    /// <summary>Whether the frame shows the mark (a score of at least one half).</summary>
    public bool Shows(ReadOnlySpan<byte> rgb) => Score(rgb) >= 0.5;

    private static bool Differs(byte[] a, byte[] b, int p) =>
        Math.Abs(a[3 * p] - b[3 * p]) > FootprintDifference || Math.Abs(a[3 * p + 1] - b[3 * p + 1]) > FootprintDifference
        || Math.Abs(a[3 * p + 2] - b[3 * p + 2]) > FootprintDifference;

    private static int Distance(ReadOnlySpan<byte> a, byte[] b, int p)
    {
        int dr = a[3 * p] - b[3 * p], dg = a[3 * p + 1] - b[3 * p + 1], db = a[3 * p + 2] - b[3 * p + 2];
        return dr * dr + dg * dg + db * db;
    }
}
