using WorldWeb.Inference.Packages;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.TokenFrameCodecTests;

namespace WorldWeb.Tests.Memory;

/// <summary>
/// Memory frames context-coded under a token prior learnt (<see cref="TokenPriorBuilder"/>) from maze-like frames of a
/// random codebook: ceiling and floor runs, wall columns of varying height with a repeating texture.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TokenContextCodingTests
{
    private const int Side = 64, Columns = Side / 4;
    private static readonly PatchCodebook Codebook = RandomCodebook(512, seed: 11);
    private static readonly Lazy<TokenPriorFit> Fit = new(() => Learn(seed: 1));

    [Fact]
    public void FramesLikeThoseItLearntFrom_CostAFractionOfDeflate_AndDecodeExactly()
    {
        var plain = new TokenFrameCodec(Codebook, Side, Side);
        var coded = new TokenFrameCodec(Codebook, Side, Side, Fit.Value.Prior);
        var random = new Random(7);
        long plainBytes = 0, codedBytes = 0;
        for (int i = 0; i < 20; i++)
        {
            byte[] frame = MazeLike(random);

            (byte[] encoded, byte[] rendered) = coded.EncodeAndRender(frame);

            Assert.Equal(TokenPacking.ContextCoded, encoded[2]);
            Assert.Equal(frame, coded.Decode(encoded));
            Assert.Equal(frame, rendered);  // what memory feeds the model at once is what a reload decodes
            (plainBytes, codedBytes) = (plainBytes + plain.Encode(frame).Length, codedBytes + encoded.Length);
        }
        Assert.True(Fit.Value.BitsPerPatch < 0.6 * Fit.Value.DeflatedBitsPerPatch, $"{Fit.Value.BitsPerPatch:F2} bits held out, deflated {Fit.Value.DeflatedBitsPerPatch:F2}");
        Assert.True(codedBytes < 0.6 * plainBytes, $"{codedBytes} bytes context-coded, {plainBytes} deflated or packed");
    }

    [Fact]
    public void AnySequenceOfCodes_RoundTrips_EvenThoseThePriorFindsUnlikely()
    {
        var random = new Random(3);
        foreach (Func<int, int> code in new Func<int, int>[] { _ => random.Next(512), p => 511 - p % 7, _ => 0, _ => 511 })
        {
            ushort[] codes = [.. Enumerable.Range(0, Columns * Columns).Select(p => (ushort)code(p))];
            ushort[] decoded = new ushort[codes.Length];

            TokenContextCoding.Decode(TokenContextCoding.Encode(codes, Columns, Fit.Value.Prior), Columns, Fit.Value.Prior, decoded);

            Assert.Equal(codes, decoded);
        }
    }

    [Fact]
    public void ContextCodedFrames_UnderAnotherPrior_WithoutOne_OrCut_AreRefused()
    {
        byte[] stored = new TokenFrameCodec(Codebook, Side, Side, Fit.Value.Prior).Encode(MazeLike(new Random(5)));
        var codec = new TokenFrameCodec(Codebook, Side, Side, Fit.Value.Prior);

        var other = Assert.Throws<InvalidDataException>(() => new TokenFrameCodec(Codebook, Side, Side, Learn(seed: 2).Prior).Decode(stored));
        Assert.Contains("another codebook or token prior", other.Message);
        Assert.Throws<InvalidDataException>(() => new TokenFrameCodec(Codebook, Side, Side).Decode(stored));
        Assert.Throws<InvalidDataException>(() => codec.Decode(stored[..^2]));
        Assert.Throws<InvalidDataException>(() => codec.Decode([.. stored, 0x5A]));
    }

    /// <summary>
    /// A memory row is written by another node, or by whoever can write the table: whatever its bytes, a load gives a
    /// frame of the world's size or an <see cref="InvalidDataException"/> the server refuses in words, never another
    /// exception (a resume that threw one answered 500). Every stored layout, mutated at random.
    /// </summary>
    [Fact]
    public void ADamagedMemoryFrame_DecodesToAFrameOfItsSize_OrIsRefusedAsInvalidData()
    {
        var prior = new TokenFrameCodec(Codebook, Side, Side, Fit.Value.Prior);
        var codec = MemoryFrameCodec.For(new MemoryPolicy(), Side, Side, prior);
        var jpeg = MemoryFrameCodec.For(new MemoryPolicy { FrameFormat = MemoryFrameFormat.Jpeg }, Side, Side, prior);
        var random = new Random(12);
        byte[] maze = MazeLike(random), noise = [.. Enumerable.Range(0, Side * Side * 3).Select(_ => (byte)random.Next(256))];
        byte[][] stored =
        [
            prior.Encode(maze),  // context-coded
            new TokenFrameCodec(Codebook, Side, Side).Encode(maze),  // packed or deflated, before the prior
            new TokenFrameCodec(Codebook, Side, Side).Encode(noise),
            jpeg.Encode(maze),
        ];
        int refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = [.. stored[i % stored.Length]];
            switch (random.Next(3))
            {
                case 0: bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes = bytes[..random.Next(bytes.Length)]; break;
                default: bytes = [.. bytes, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))]; break;
            }
            try
            {
                Assert.Equal(Side * Side * 3, codec.Decode(bytes).Length);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        Assert.InRange(refused, 1, 1999);
    }

    [Fact]
    public void FramesStoredBeforeThePackageHadAPrior_StillLoad()
    {
        byte[] frame = MazeLike(new Random(6));
        byte[] stored = new TokenFrameCodec(Codebook, Side, Side).Encode(frame);

        Assert.NotEqual(TokenPacking.ContextCoded, stored[2]);
        Assert.Equal(frame, new TokenFrameCodec(Codebook, Side, Side, Fit.Value.Prior).Decode(stored));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(40)]  // 2 blocks of 16 and a tail of 8 one at a time
    public void Frequencies_EightAtATime_AreTheOneAtATimeIntegers(int patches)
    {
        var random = new Random(patches);
        for (int trial = 0; trial < 50; trial++)
        {
            // Scores as the prior holds them (down to ~25 bits below, in sixteenths), and far apart, beyond any shift.
            int spread = trial % 2 == 0 ? 400 : 30_000;
            short[] below = [.. Enumerable.Range(0, patches).Select(_ => (short)-random.Next(spread))];
            short[] right = [.. Enumerable.Range(0, patches).Select(_ => (short)-random.Next(spread))];
            uint[] vectors = new uint[patches], scalars = new uint[patches];

            uint total = TokenFrequencies.Of(below, right, vectors);

            Assert.Equal(TokenFrequencies.Of(below, right, scalars, vectors: false), total);
            Assert.Equal(scalars, vectors);
            Assert.Contains(16_384u, vectors);  // the best patch's
            uint target = (uint)random.Next((int)total);
            (int code, uint start) = TokenFrequencies.At(vectors, target);
            Assert.InRange(target, start, start + vectors[code] - 1);
            Assert.Equal(start, TokenFrequencies.Before(vectors, code));
        }
    }

    [Fact]
    public void APriorOfAnotherCodebookSize_OrOfMoreThanTheCoderHolds_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new TokenFrameCodec(RandomCodebook(32, seed: 1), Side, Side, Fit.Value.Prior));
        // 1,025 patches at 2^14 each could sum past the 2^24 the range coder divides.
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenPrior(1025, new short[2 * 1026 * 1025]));
    }

    /// <summary>A prior counted from 300 maze-like frames, fitted on 60 more.</summary>
    private static TokenPriorFit Learn(int seed)
    {
        var builder = new TokenPriorBuilder(Codebook, Side, Side);
        var random = new Random(seed);
        for (int i = 0; i < 300; i++) builder.Count(MazeLike(random));
        for (int i = 0; i < 60; i++) builder.HoldOut(MazeLike(random));
        return builder.Build();
    }

    /// <summary>
    /// A view down a corridor in codes: ceiling and floor patches coded by their row, each column's wall half-height
    /// drifting by at most one, its texture 4 codes of one of 3 walls, 1 patch in 10 any code.
    /// </summary>
    private static byte[] MazeLike(Random random)
    {
        int height = random.Next(1, 8), wall = 100 + 4 * random.Next(3);
        int[] codes = new int[Columns * Columns];
        for (int column = 0; column < Columns; column++)
        {
            height = Math.Clamp(height + random.Next(-1, 2), 1, 7);
            for (int row = 0; row < Columns; row++)
            {
                codes[row * Columns + column] = random.Next(10) == 0 ? random.Next(512)
                    : row < 8 - height || row >= 8 + height ? row
                    : wall + (row + column) % 4;
            }
        }
        return Painted(Codebook, p => codes[p]);
    }
}
