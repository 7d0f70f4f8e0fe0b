using System.IO.Compression;
using System.Numerics;

namespace WorldWeb.Memory;

/// <summary>
/// A frame's patch indices as bytes, in one of two layouts: packed at ⌈log2 K⌉ bits each, or deflated as a plane of
/// their low bytes followed by their higher bits packed, whichever is smaller. Deflate finds the repeats of a maze view
/// (runs of ceiling, floor and wall) only in whole bytes, so it gets the bytes, not the packed bits: the default model's
/// memory frames (512 patches, 288 bytes packed) deflate to ~184 bytes that way (real frames: ~188, and ~240 from
/// the packed bits). The indices go row by row, which suits what the server stores, the model's frames (column by
/// column: 190 bytes; it suits real frames better, 168).
/// </summary>
internal static class TokenPacking
{
    /// <summary>The layouts of a stored frame's indices; <see cref="ContextCoded"/> is <see cref="TokenContextCoding"/>'s.</summary>
    public const byte Packed = 0, Deflated = 1, ContextCoded = 2;

    /// <summary>Bits per index of a codebook of <paramref name="count"/> patches.</summary>
    public static int BitsFor(int count) => Math.Max(1, 32 - BitOperations.LeadingZeroCount((uint)(count - 1)));

    /// <summary>The smaller of the two layouts: which, and its bytes.</summary>
    public static (byte Layout, byte[] Bytes) Pack(ReadOnlySpan<ushort> codes, int bits)
    {
        byte[] packed = PackBits(codes, bits);
        byte[] deflated = Deflate(Planes(codes, bits));
        return deflated.Length < packed.Length ? (Deflated, deflated) : (Packed, packed);
    }

    /// <exception cref="InvalidDataException">The bytes are not <paramref name="codes"/>.Length indices in that layout.</exception>
    public static void Unpack(byte layout, ReadOnlySpan<byte> bytes, int bits, Span<ushort> codes)
    {
        switch (layout)
        {
            case Packed:
                UnpackBits(Exactly(bytes, PackedLength(codes.Length, bits)), bits, shift: 0, codes);
                break;
            case Deflated:
                byte[] planes = Inflate(bytes, codes.Length + PackedLength(codes.Length, Math.Max(0, bits - 8)));
                for (int i = 0; i < codes.Length; i++)
                {
                    codes[i] = planes[i];
                }
                if (bits > 8)
                {
                    UnpackBits(planes.AsSpan(codes.Length), bits - 8, shift: 8, codes);
                }
                break;
            default:
                throw new InvalidDataException($"token layout {layout} is unknown");
        }
    }

    private static byte[] Planes(ReadOnlySpan<ushort> codes, int bits)
    {
        byte[] high = bits > 8 ? PackBits(codes, bits - 8, shift: 8) : [];
        byte[] planes = new byte[codes.Length + high.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            planes[i] = (byte)codes[i];
        }
        high.CopyTo(planes, codes.Length);
        return planes;
    }

    public static int PackedLength(int count, int bits) => (count * bits + 7) / 8;

    /// <summary>Bits <paramref name="shift"/>… of each value, least significant first, values one after another.</summary>
    public static byte[] PackBits(ReadOnlySpan<ushort> values, int bits, int shift = 0)
    {
        byte[] bytes = new byte[PackedLength(values.Length, bits)];
        int at = 0;
        foreach (ushort value in values)
        {
            for (int b = 0; b < bits; b++, at++)
            {
                bytes[at >> 3] |= (byte)(((value >> (shift + b)) & 1) << (at & 7));
            }
        }
        return bytes;
    }

    /// <summary>The inverse of <see cref="PackBits"/>, or-ed into <paramref name="values"/> (zero, or holding the lower bits).</summary>
    private static void UnpackBits(ReadOnlySpan<byte> bytes, int bits, int shift, Span<ushort> values)
    {
        int at = 0;
        for (int i = 0; i < values.Length; i++)
        {
            int value = 0;
            for (int b = 0; b < bits; b++, at++)
            {
                value |= ((bytes[at >> 3] >> (at & 7)) & 1) << b;
            }
            values[i] |= (ushort)(value << shift);
        }
    }

    private static byte[] Deflate(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(bytes);
        }
        return output.ToArray();
    }

    private static byte[] Inflate(ReadOnlySpan<byte> bytes, int length)
    {
        using var deflate = new DeflateStream(new MemoryStream(bytes.ToArray()), CompressionMode.Decompress);
        byte[] planes = new byte[length];
        try
        {
            deflate.ReadExactly(planes);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("deflated tokens are shorter than a frame's", ex);
        }
        // One byte more would be a longer stream than a frame's: not tokens of this frame size.
        return deflate.Read(new byte[1]) == 0 ? planes : throw new InvalidDataException("deflated tokens are longer than a frame's");
    }

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> bytes, int length) =>
        bytes.Length == length ? bytes : throw new InvalidDataException($"packed tokens are {bytes.Length} bytes, a frame's {length}");
}
