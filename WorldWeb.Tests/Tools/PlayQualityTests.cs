using WorldWeb.ReferenceWorld;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

/// <summary>The free-play measures tell real frames from the ways a world model's frames go wrong.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class PlayQualityTests
{
    private const int Size = 64;
    private static readonly RealFrameBank Bank = RealFrameBank.Build([20001, 20002, 20003, 20004, 20005, 20006, 20007, 20008], steps: 300, every: 3);
    private static readonly List<byte[]> Real = ReferenceTrajectory.Record(1001, 300).Frames.Where((_, i) => i % 10 == 5).ToList();
    private static readonly List<byte[]> OtherReal = ReferenceTrajectory.Record(1002, 300).Frames.Where((_, i) => i % 10 == 5).ToList();

    private static (double Realism, double Sharpness, double Grid) Judge(IEnumerable<byte[]> frames)
    {
        var list = frames.ToList();
        return (list.Average(f => Bank.Realism(f)),
            list.Average(f => PlayQuality.Gradient(f, Size, Size)) / OtherReal.Average(f => PlayQuality.Gradient(f, Size, Size)),
            list.Average(f => PlayQuality.Checkerboard(f, Size, Size)) / OtherReal.Average(f => PlayQuality.Checkerboard(f, Size, Size)));
    }

    [Fact]
    public void Real_frames_of_an_unseen_maze_score_as_real()
    {
        var (realism, sharpness, grid) = Judge(Real);
        var (otherRealism, _, _) = Judge(OtherReal);
        Assert.InRange(realism, otherRealism - 2, otherRealism + 2);
        Assert.InRange(realism, 20, 60);
        Assert.InRange(sharpness, 0.7, 1.4);
        Assert.InRange(grid, 0.7, 1.4);
    }

    [Fact]
    public void Uniform_noise_is_unreal_sharp_and_gridded()
    {
        var random = new Random(7);
        var noise = Real.Select(_ => { var f = new byte[Size * Size * 3]; random.NextBytes(f); return f; });
        var (_, sharpness, grid) = Judge(noise);
        // Not realism: 4×4 area means turn noise into a flat grey that lies about as near the bank's views as a
        // real view of another maze does (docs/model-card.md). Sharpness and grid energy are what see it.
        Assert.True(sharpness > 3, $"sharpness {sharpness:F2}");
        Assert.True(grid > 5, $"grid energy {grid:F2}");
    }

    [Fact]
    public void A_smeared_frame_scores_low_sharpness()
    {
        var (_, sharpness, grid) = Judge(Real.Select(f => BoxBlur(f, radius: 4)));
        Assert.True(sharpness < 0.6, $"sharpness {sharpness:F2}");
        Assert.True(grid < 0.5, $"grid energy {grid:F2}");
    }

    [Fact]
    public void A_2x2_checkerboard_overlay_scores_high_grid_energy()
    {
        var (realism, _, _) = Judge(Real);
        var (overlaidRealism, sharpness, grid) = Judge(Real.Select(f => Checkerboard(f, amplitude: 24)));
        Assert.True(grid > 4, $"grid energy {grid:F2}");
        Assert.True(sharpness > 2, $"sharpness {sharpness:F2}");
        // 4×4 area means cancel a 2×2 checkerboard: realism alone cannot see this failure.
        Assert.InRange(overlaidRealism, realism - 1, realism + 1);
    }

    private static byte[] BoxBlur(byte[] rgb, int radius)
    {
        var blurred = new byte[rgb.Length];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                for (var c = 0; c < 3; c++)
                {
                    int sum = 0, n = 0;
                    for (var dy = -radius; dy <= radius; dy++)
                        for (var dx = -radius; dx <= radius; dx++)
                        {
                            int yy = y + dy, xx = x + dx;
                            if (yy < 0 || yy >= Size || xx < 0 || xx >= Size) continue;
                            sum += rgb[(yy * Size + xx) * 3 + c];
                            n++;
                        }
                    blurred[(y * Size + x) * 3 + c] = (byte)(sum / n);
                }
        return blurred;
    }

    private static byte[] Checkerboard(byte[] rgb, int amplitude)
    {
        var overlaid = new byte[rgb.Length];
        for (var i = 0; i < rgb.Length; i++)
        {
            int pixel = i / 3, x = pixel % Size, y = pixel / Size;
            overlaid[i] = (byte)Math.Clamp(rgb[i] + ((x + y) % 2 == 0 ? amplitude : -amplitude), 0, 255);
        }
        return overlaid;
    }
}
