using System.Numerics;
using System.Runtime.InteropServices;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Real reference-world views from many mazes, as 16×16 thumbnails: a frame's realism is the PSNR (dB) of its
/// thumbnail against the nearest one here. Built from mazes that are not the evaluated ones, so a perfect model
/// scores what real frames of the evaluated mazes score (<see cref="Realism"/> of those), not 60 dB.
/// </summary>
public sealed class RealFrameBank
{
    private readonly float[][] thumbnails;
    private readonly float[] norms;
    private readonly int width, height;

    private RealFrameBank(List<float[]> thumbnails, int width, int height)
    {
        this.thumbnails = [.. thumbnails];
        norms = this.thumbnails.Select(t => Dot(t, t)).ToArray();
        this.width = width;
        this.height = height;
    }

    public int Count => thumbnails.Length;

    /// <summary>Every <paramref name="every"/>th frame of the explorer's walk of <paramref name="steps"/> steps in each maze.</summary>
    public static RealFrameBank Build(IReadOnlyList<int> seeds, int steps, int every, bool paints = false)
    {
        var bank = new List<float[]>();
        WorldOptions options = WorldOptions.Default;
        foreach (var seed in seeds)
        {
            var world = World.Create(seed);
            var explorer = new Explorer(world, seed, paints);
            for (var t = 0; t < steps; t++)
            {
                world.Apply(t == 0 ? WorldAction.Noop : explorer.Next());
                if (t % every == 0) bank.Add(PlayQuality.Thumbnail(world.Render(), world.Options.Width, world.Options.Height));
            }
            options = world.Options;
        }
        return new RealFrameBank(bank, options.Width, options.Height);
    }

    /// <summary>PSNR (dB) of the frame's thumbnail against the nearest thumbnail in the bank.</summary>
    public double Realism(ReadOnlySpan<byte> rgb)
    {
        var thumbnail = PlayQuality.Thumbnail(rgb, width, height);
        var own = Dot(thumbnail, thumbnail);
        var nearest = double.MaxValue;
        for (var i = 0; i < thumbnails.Length; i++)
            nearest = Math.Min(nearest, own - 2 * Dot(thumbnail, thumbnails[i]) + norms[i]);
        var mse = Math.Max(nearest / thumbnail.Length, 1e-10);
        return Math.Min(FrameQuality.MaxPsnr, -10 * Math.Log10(mse));
    }

    private static float Dot(float[] a, float[] b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var sum = Vector<float>.Zero;
        for (var i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        var total = Vector.Sum(sum);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
