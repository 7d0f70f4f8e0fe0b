using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

/// <summary>Colourful share and colour-histogram distance, on frames whose answers are known.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ColourMeasuresTests
{
    private static byte[] Frame(params (byte R, byte G, byte B)[] pixels) => pixels.SelectMany(p => new[] { p.R, p.G, p.B }).ToArray();

    [Fact]
    public void Colourful_share_counts_pixels_whose_channels_spread_by_more_than_60()
    {
        // Spreads 0, 60, 61, 255, 200: the last three are colourful.
        var frame = Frame((128, 128, 128), (100, 160, 130), (100, 161, 130), (255, 0, 0), (20, 220, 120));
        var tally = ColourTally.Of([frame]);
        Assert.Equal(3, tally.Colourful);
        Assert.Equal(5, tally.Pixels);
        Assert.Equal(0.6, tally.ColourfulShare, 12);
    }

    [Fact]
    public void Colourful_share_pools_frames_by_pixel()
    {
        var grey = Frame((10, 10, 10), (200, 200, 200), (90, 90, 90));
        var red = Frame((250, 10, 10));
        Assert.Equal(0.25, ColourTally.Of([grey, red]).ColourfulShare, 12);
    }

    [Fact]
    public void Bins_are_the_top_two_bits_of_each_channel()
    {
        Assert.Equal(0, ColourMeasures.Bin(0, 63, 63));
        Assert.Equal(63, ColourMeasures.Bin(192, 255, 200));
        Assert.Equal(16 * 1 + 4 * 2 + 3, ColourMeasures.Bin(64, 128, 192));
        Assert.Equal(64, ColourMeasures.Bins);
    }

    [Fact]
    public void Identical_sets_are_at_distance_zero_whatever_their_sizes()
    {
        var random = new Random(5);
        var frames = Enumerable.Range(0, 3).Select(_ => { var f = new byte[16 * 16 * 3]; random.NextBytes(f); return f; }).ToList();
        Assert.Equal(0, ColourTally.Of(frames).DistanceTo(ColourTally.Of([.. frames, .. frames])), 12);
    }

    [Fact]
    public void Sets_with_no_colour_in_common_are_at_distance_one()
    {
        var dark = Frame((0, 0, 0), (30, 10, 60), (63, 63, 63));
        var light = Frame((255, 255, 255), (200, 250, 192));
        Assert.Equal(1, ColourTally.Of([dark]).DistanceTo(ColourTally.Of([light])), 12);
    }

    [Fact]
    public void Distance_is_half_the_summed_difference_of_shares()
    {
        // a: bins {0: 3/4, 63: 1/4}; b: bins {0: 1/4, 63: 3/4} → ½(½ + ½) = 0.5.
        var a = Frame((0, 0, 0), (1, 1, 1), (2, 2, 2), (255, 255, 255));
        var b = Frame((0, 0, 0), (255, 255, 255), (254, 254, 254), (253, 253, 253));
        Assert.Equal(0.5, ColourTally.Of([a]).DistanceTo(ColourTally.Of([b])), 12);
    }

    [Fact]
    public void Frames_are_sampled_evenly_through_a_window()
    {
        Assert.Equal([100, 300, 500, 700], FreePlayFidelity.Spread(0, 800, 4));
        Assert.Equal([5, 6, 7], FreePlayFidelity.Spread(5, 8, 4));
    }
}
