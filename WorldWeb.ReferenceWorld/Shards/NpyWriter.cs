using System.Runtime.InteropServices;
using System.Text;

namespace WorldWeb.ReferenceWorld.Shards;

/// <summary>Writes numpy .npy files (format 1.0, little-endian, C order) that numpy.load reads as-is.</summary>
public static class NpyWriter
{
    public static void Write<T>(string path, ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {count} values but {data.Length} were given.", nameof(shape));
        using var stream = File.Create(path);
        stream.Write(Header(Descriptor<T>(), shape));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    private static string Descriptor<T>() => typeof(T) switch
    {
        var t when t == typeof(byte) => "|u1",
        var t when t == typeof(short) => "<i2",
        var t when t == typeof(long) => "<i8",
        var t when t == typeof(float) => "<f4",
        var t => throw new NotSupportedException($"No .npy descriptor for {t.Name}."),
    };

    private static byte[] Header(string descriptor, int[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dict = $"{{'descr': '{descriptor}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + length (2) + dict + newline, padded to a multiple of 64.
        var total = (10 + dict.Length + 1 + 63) / 64 * 64;
        var padded = dict.PadRight(total - 10 - 1) + "\n";
        var header = new byte[total];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        BitConverter.TryWriteBytes(header.AsSpan(8, 2), (ushort)padded.Length);
        Encoding.ASCII.GetBytes(padded, header.AsSpan(10));
        return header;
    }
}
