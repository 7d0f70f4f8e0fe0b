using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

[Trait(Category.Name, Category.Unit)]
public class FrameQualityTests
{
    [Fact]
    public void Identical_frames_score_the_cap_and_ssim_one()
    {
        var frame = Enumerable.Range(0, 16 * 16 * 3).Select(i => (byte)(i * 7 % 256)).ToArray();
        Assert.Equal(FrameQuality.MaxPsnr, FrameQuality.Psnr(frame, frame));
        Assert.Equal(1.0, FrameQuality.Ssim(frame, frame, 16, 16), 9);
    }

    [Fact]
    public void Psnr_of_a_uniform_error_of_ten_levels_is_28_1_dB()
    {
        var a = new byte[12 * 12 * 3];
        var b = Enumerable.Repeat((byte)10, a.Length).ToArray();
        Assert.Equal(10 * Math.Log10(255.0 * 255 / 100), FrameQuality.Psnr(a, b), 9);
    }

    [Fact]
    public void Ssim_drops_when_structure_is_lost()
    {
        var random = new Random(1);
        var textured = new byte[16 * 16 * 3];
        random.NextBytes(textured);
        var flat = Enumerable.Repeat((byte)textured.Average(v => v), textured.Length).ToArray();
        Assert.True(FrameQuality.Ssim(textured, flat, 16, 16) < 0.1);
    }
}
