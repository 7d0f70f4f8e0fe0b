using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Painting;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Whether a frame shows a painted mark where the reference world has it. The mark's footprint is where the maze's
/// view from the same pose with the mark (its first colour) differs from its view without. The mark is a framed
/// square, so the footprint is split into parts by the marked view's colour (the frame, the fill), and a frame shows
/// the mark when, in every part, most pixels are nearer the marked view's colour than the unmarked view's and than
/// every other part's colour: a blob of the fill's colour spilling over the frame is not the mark, nor one of the
/// frame's colour over the fill. The world's own frames score 1 (marked) and 0
/// (unmarked) by construction; a frame whose view shows no footprint (the face is out of view) is not scored.
/// </summary>
public sealed class MarkDetector
{
    /// <summary>Per channel, a footprint pixel differs by more than this between the two views.</summary>
    private const int FootprintDifference = 24;

    /// <summary>A mark covering fewer pixels than this is on a far wall (training/paint_check.py's CLOSE_FOOTPRINT).</summary>
    public const int CloseFootprint = 1000;

    /// <summary>Per channel, two footprint pixels whose marked colours differ by more than this lie in different parts.</summary>
    private const int PartDifference = 48;

    /// <summary>A part smaller than this share of the footprint (edge pixels, shading) is not judged on its own.</summary>
    private const double SmallestPart = 0.125;

    private readonly byte[] marked, unmarked;
    private readonly int[] footprint;
    private readonly int[][] parts;

    /// <summary>The views from <paramref name="pose"/> of maze <paramref name="seed"/>, unpainted, and with a mark on <paramref name="face"/>.</summary>
    public MarkDetector(int seed, WorldOptions options, AgentPose pose, WallFace face)
    {
        var world = World.Create(seed, options);
        world.Pose = pose;
        unmarked = world.Render();
        world.Marks.Paint(face);
        marked = world.Render();
        footprint = [.. Enumerable.Range(0, marked.Length / 3).Where(p => Differs(marked, unmarked, p, FootprintDifference))];
        parts = Parts();
    }

    /// <summary>Pixels the mark covers in this view; 0 when the face is out of view.</summary>
    public int FootprintPixels => footprint.Length;

    /// <summary>Whether the mark is on a far wall: in view, but covering fewer than <see cref="CloseFootprint"/> pixels.</summary>
    public bool IsFar => footprint.Length is > 0 and < CloseFootprint;

    /// <summary>
    /// The least share, over the mark's parts, of pixels nearer their marked colour than the unmarked view's and than the
    /// other parts' colours (0–1); null when there is no footprint.
    /// </summary>
    public double? Score(ReadOnlySpan<byte> rgb)
    {
        if (footprint.Length == 0) return null;
        var least = 1.0;
        for (var i = 0; i < parts.Length; i++)
        {
            var nearer = 0;
            foreach (var p in parts[i])
            {
                var own = Distance(rgb, marked, p);
                var nearest = own < Distance(rgb, unmarked, p);
                for (var j = 0; j < parts.Length && nearest; j++)
                    if (j != i) nearest = own < Distance(rgb, marked, p, parts[j][0]);
                if (nearest) nearer++;
            }
            least = Math.Min(least, (double)nearer / parts[i].Length);
        }
        return least;
    }

    /// <summary>
    /// PSNR (dB) over the footprint of a frame against the unmarked view: whether a frame before the paint shows the
    /// wall the mark lands on, as the world does (training's paint rows ask the same, drift.py); null when there is no
    /// footprint.
    /// </summary>
    public double? WallPsnr(ReadOnlySpan<byte> rgb)
    {
        if (footprint.Length == 0) return null;
        double squared = 0;
        foreach (var p in footprint)
            squared += Distance(rgb, unmarked, p);
        return 10 * Math.Log10(255.0 * 255.0 / Math.Max(squared / (3.0 * footprint.Length), 1e-3));
    }

    /// <summary>Whether the frame shows the mark (a score of at least one half).</summary>
    public bool Shows(ReadOnlySpan<byte> rgb) => Score(rgb) >= 0.5;

    /// <summary>
    /// The footprint's pixels grouped by their marked colour (each joins the first part whose first pixel is within
    /// <see cref="PartDifference"/>), keeping the parts of at least <see cref="SmallestPart"/> of it; the whole
    /// footprint when none is that large (a far mark of a few pixels).
    /// </summary>
    private int[][] Parts()
    {
        var groups = new List<(int Seed, List<int> Pixels)>();
        foreach (var p in footprint)
        {
            var group = groups.FirstOrDefault(g => !Differs(marked, marked, p, PartDifference, g.Seed));
            if (group.Pixels is null) groups.Add((p, [p]));
            else group.Pixels.Add(p);
        }
        var large = groups.Where(g => g.Pixels.Count >= SmallestPart * footprint.Length).Select(g => g.Pixels.ToArray()).ToArray();
        return large.Length > 0 ? large : footprint.Length > 0 ? [footprint] : [];
    }

    private static bool Differs(byte[] a, byte[] b, int p, int by, int q = -1)
    {
        if (q < 0) q = p;
        return Math.Abs(a[3 * p] - b[3 * q]) > by || Math.Abs(a[3 * p + 1] - b[3 * q + 1]) > by
            || Math.Abs(a[3 * p + 2] - b[3 * q + 2]) > by;
    }

    /// <summary>Squared distance of pixel <paramref name="p"/> of <paramref name="a"/> from pixel <paramref name="q"/> (default the same) of <paramref name="b"/>.</summary>
    private static int Distance(ReadOnlySpan<byte> a, byte[] b, int p, int q = -1)
    {
        if (q < 0) q = p;
        int dr = a[3 * p] - b[3 * q], dg = a[3 * p + 1] - b[3 * q + 1], db = a[3 * p + 2] - b[3 * q + 2];
        return dr * dr + dg * dg + db * db;
    }
}
