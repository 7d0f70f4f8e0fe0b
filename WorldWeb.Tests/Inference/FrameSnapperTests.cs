using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// What a graph that takes snapped frames (world.json <c>int8.snapped_frames</c>) gets from the server: every patch a
/// codebook patch as the model draws it, the nearest one where the frame had another, and a frame the model drew
/// left exactly as it was.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class FrameSnapperTests
{
    private const int Side = 16, Patch = 4, Codes = 40, PatchBytes = Patch * Patch * 3;

    private static readonly PatchCodebook Codebook = RandomCodebook();

    [Fact]
    public void Snap_AFrameOfCodebookPatches_LeavesItAsItWas()
    {
        var random = new Random(1);
        byte[] drawn = Drawn([.. Enumerable.Range(0, Side / Patch * (Side / Patch)).Select(_ => random.Next(Codes))]);
        var snapped = new byte[drawn.Length];

        new FrameSnapper(Codebook, Side, Side).Snap(drawn, snapped);

        Assert.Equal(drawn, snapped);
    }

    [Fact]
    public void Snap_AnyOtherFrame_GivesEachPatchItsNearestCodebookPatch()
    {
        var random = new Random(2);
        byte[] frame = new byte[Side * Side * 3];
        random.NextBytes(frame);
        var search = new CodebookSearch(Codebook);
        int[] nearest = [.. Patches(frame).Select(patch =>
        {
            var values = new float[PatchBytes];
            FrameMath.FromRgb24(patch, values);  // a p×p patch's pixels to its channel-major values / 255
            return (int)search.Nearest(values);
        })];
        var snapper = new FrameSnapper(Codebook, Side, Side);
        byte[] snapped = frame.ToArray();

        snapper.Snap(snapped, snapped);  // in place, as the step's buffers are written

        Assert.Equal(Drawn(nearest), snapped);
        byte[] again = new byte[snapped.Length];
        snapper.Snap(snapped, again);
        Assert.Equal(snapped, again);
    }

    [Fact]
    public void Snap_AFrameOfAnotherSize_IsRefused()
    {
        var snapper = new FrameSnapper(Codebook, Side, Side);

        Assert.Throws<ArgumentException>(() => snapper.Snap(new byte[Side * Side * 3 - 1], new byte[Side * Side * 3 - 1]));
    }

    private static PatchCodebook RandomCodebook()
    {
        var random = new Random(3);
        return new PatchCodebook(Patch, [.. Enumerable.Range(0, Codes * PatchBytes).Select(_ => (float)random.NextDouble())]);
    }

    // A frame whose patches, left to right and top to bottom, are the given codes as the model draws them.
    private static byte[] Drawn(int[] codes)
    {
        var frame = new float[3 * Side * Side];
        int columns = Side / Patch;
        for (int i = 0; i < codes.Length; i++)
        {
            ReadOnlySpan<float> code = Codebook.Of(codes[i]);
            for (int channel = 0; channel < 3; channel++)
            {
                for (int y = 0; y < Patch; y++)
                {
                    for (int x = 0; x < Patch; x++)
                    {
                        int row = i / columns * Patch + y, column = i % columns * Patch + x;
                        frame[(channel * Side + row) * Side + column] = code[(channel * Patch + y) * Patch + x];
                    }
                }
            }
        }
        var rgb = new byte[frame.Length];
        FrameMath.ToRgb24(frame, rgb);
        return rgb;
    }

    private static IEnumerable<byte[]> Patches(byte[] frame)
    {
        for (int y = 0; y < Side; y += Patch)
        {
            for (int x = 0; x < Side; x += Patch)
            {
                var patch = new byte[PatchBytes];
                for (int row = 0; row < Patch; row++)
                {
                    frame.AsSpan(((y + row) * Side + x) * 3, Patch * 3).CopyTo(patch.AsSpan(row * Patch * 3));
                }
                yield return patch;
            }
        }
    }
}
