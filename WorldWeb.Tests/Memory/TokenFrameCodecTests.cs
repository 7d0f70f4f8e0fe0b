using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Packages;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;

namespace WorldWeb.Tests.Memory;

/// <summary>Memory frames as codebook tokens, with codebooks of 32, 512 and 640 random 4×4 patches (5, 9 and 10 bits an index).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TokenFrameCodecTests
{
    private const int Side = 64;

    [Theory]
    [InlineData(32)]
    [InlineData(512)]
    [InlineData(640)]
    public void FrameOfCodebookPatches_DecodesToExactlyItsOwnBytes(int patches)
    {
        var codebook = RandomCodebook(patches, seed: patches);
        var codec = new TokenFrameCodec(codebook, Side, Side);
        var random = new Random(1);
        for (int i = 0; i < 8; i++)
        {
            // Flat runs, as a maze view has them, and noise, so that both layouts are taken.
            byte[] frame = Painted(codebook, i % 2 == 0 ? _ => random.Next(patches) : p => p / 40 % patches);

            byte[] encoded = codec.Encode(frame);

            Assert.Equal(frame, codec.Decode(encoded));
            Assert.True(encoded.Length <= 7 + (Side / 4) * (Side / 4) * codec.BitsPerPatch / 8, $"{encoded.Length} bytes");
        }
    }

    [Fact]
    public void AnyFrame_DecodesToAFrameOfTheSameCodes()
    {
        var codec = new TokenFrameCodec(RandomCodebook(512, seed: 2), Side, Side);
        byte[] frame = World.Create(1001).Render();

        byte[] decoded = codec.Decode(codec.Encode(frame));

        // Lossy in pixels, lossless in what a model that snaps patches to this codebook sees.
        Assert.NotEqual(frame, decoded);
        Assert.Equal(codec.Codes(frame), codec.Codes(decoded));
    }

    [Fact]
    public void JpegEntryWrittenBefore_StillLoadsWhereNewEntriesAreTokens()
    {
        var codebook = RandomCodebook(512, seed: 3);
        var codec = new TokenFrameCodec(codebook, Side, Side);
        var jpeg = MemoryFrameCodec.For(new MemoryPolicy { FrameFormat = MemoryFrameFormat.Jpeg }, Side, Side, codec);
        var tokens = MemoryFrameCodec.For(new MemoryPolicy(), Side, Side, codec);
        byte[] frame = World.Create(1002).Render();
        byte[] stored = jpeg.Encode(frame);

        Assert.Equal((MemoryFrameFormat.Jpeg, MemoryFrameFormat.Tokens), (jpeg.Format, tokens.Format));
        Assert.Equal([0xFF, 0xD8], stored[..2]);
        Assert.Equal(ImageFrameCodec.Decode(stored, Side, Side), tokens.Decode(stored));
    }

    [Fact]
    public void Tokens_OfAnotherCodebookOrWithoutOne_AreRefused()
    {
        byte[] frame = World.Create(1003).Render();
        byte[] stored = new TokenFrameCodec(RandomCodebook(512, seed: 4), Side, Side).Encode(frame);

        Assert.Throws<InvalidDataException>(() => new TokenFrameCodec(RandomCodebook(512, seed: 5), Side, Side).Decode(stored));
        Assert.Throws<InvalidDataException>(() => MemoryFrameCodec.For(new MemoryPolicy(), Side, Side, tokens: null).Decode(stored));
        Assert.Throws<InvalidDataException>(() => new TokenFrameCodec(RandomCodebook(512, seed: 4), Side, Side).Decode(stored[..(stored.Length / 2)]));
    }

    [Fact]
    public void AutoFormat_IsJpegWithoutACodebook_AndTokensCannotBeForcedWithoutOne()
    {
        Assert.Equal(MemoryFrameFormat.Jpeg, MemoryFrameCodec.For(new MemoryPolicy(), Side, Side, tokens: null).Format);
        Assert.Throws<ArgumentException>(() => MemoryFrameCodec.For(new MemoryPolicy { FrameFormat = MemoryFrameFormat.Tokens }, Side, Side, tokens: null));
    }

    /// <summary>Patches drawn uniformly from [0, 1]: far apart in 48 dimensions, as a fitted codebook's are.</summary>
    internal static PatchCodebook RandomCodebook(int patches, int seed)
    {
        var random = new Random(seed);
        return new PatchCodebook(4, Enumerable.Range(0, patches * 48).Select(_ => (float)random.NextDouble()).ToArray());
    }

    /// <summary>The 8-bit frame a model writes when it paints patch position p (row-major) with code <paramref name="code"/>(p).</summary>
    internal static byte[] Painted(PatchCodebook codebook, Func<int, int> code)
    {
        float[] chw = new float[3 * Side * Side];
        for (int p = 0; p < (Side / 4) * (Side / 4); p++)
        {
            ReadOnlySpan<float> values = codebook.Of(code(p));
            int top = p / (Side / 4) * 4, left = p % (Side / 4) * 4, at = 0;
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 4; y++)
                {
                    for (int x = 0; x < 4; x++)
                    {
                        chw[c * Side * Side + (top + y) * Side + left + x] = values[at++];
                    }
                }
            }
        }
        byte[] rgb = new byte[chw.Length];
        FrameMath.ToRgb24(chw, rgb);
        return rgb;
    }
}
