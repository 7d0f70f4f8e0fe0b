using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WorldWeb.Inference.Npy;

/// <summary>
/// Reads NumPy <c>.npy</c> files, versions 1.0 and 2.0, holding uint8, int64 or float32 little-endian arrays
/// in C order. Everything else (pickled objects, Fortran order, big-endian, other dtypes) is refused.
/// </summary>
public static partial class NpyReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Refuse headers that would make us allocate absurd amounts before reading any data.</summary>
    private const int MaxHeaderLength = 1 << 16;

    public static NpyArray Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream);
    }

    public static NpyArray Read(Stream stream)
    {
        Span<byte> preamble = stackalloc byte[8];
        ReadExactly(stream, preamble, "the magic string and version");
        if (!preamble[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("not a .npy file (the magic string \\x93NUMPY is missing)");
        }
        byte major = preamble[6], minor = preamble[7];
        int headerLength = (major, minor) switch
        {
            (1, 0) => ReadHeaderLength(stream, 2),
            (2, 0) => ReadHeaderLength(stream, 4),
            _ => throw new NpyFormatException($".npy version {major}.{minor} is not supported; write version 1.0 or 2.0"),
        };
        var header = new byte[headerLength];
        ReadExactly(stream, header, "the header");
        (NpyDtype dtype, long[] shape) = ParseHeader(Encoding.Latin1.GetString(header));
        return new NpyArray(dtype, shape, ReadData(stream, dtype, shape));
    }

    private static int ReadHeaderLength(Stream stream, int width)
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadExactly(stream, bytes[..width], "the header length");
        uint length = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return length <= MaxHeaderLength ? (int)length : throw new NpyFormatException($"the header claims {length} bytes; that is not a .npy header");
    }

    private static (NpyDtype Dtype, long[] Shape) ParseHeader(string header)
    {
        Match descr = DescrPattern().Match(header);
        Match fortran = FortranPattern().Match(header);
        Match shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new NpyFormatException($"the header is not a dictionary with descr, fortran_order and shape: {header.Trim()}");
        }
        string descrText = descr.Groups[1].Value;
        NpyDtype dtype = NpyDtypes.FromDescr(descrText)
            ?? throw new NpyFormatException($"dtype '{descrText}' is not supported; use uint8 ('|u1'), little-endian int16 ('<i2'), int64 ('<i8') or float32 ('<f4')");
        if (fortran.Groups[1].Value == "True")
        {
            throw new NpyFormatException("the array is in Fortran order; save a C-order array (np.ascontiguousarray)");
        }
        long[] dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(ParseDim)
            .ToArray();
        return (dtype, dims);
    }

    private static long ParseDim(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long dim)
            ? dim
            : throw new NpyFormatException($"shape entry '{text}' is not a non-negative integer");

    private static byte[] ReadData(Stream stream, NpyDtype dtype, long[] shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            count = dim == 0 || count <= Array.MaxLength / dim ? count * dim : long.MaxValue;
        }
        long byteCount = count <= Array.MaxLength ? count * NpyDtypes.SizeOf(dtype) : long.MaxValue;
        if (byteCount > Array.MaxLength)
        {
            throw new NpyFormatException($"the array holds {byteCount} bytes; more than WorldWeb reads into memory");
        }
        var data = new byte[byteCount];
        ReadExactly(stream, data, $"{count} elements of {dtype}");
        return data;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException ex)
        {
            throw new NpyFormatException($"the file ends before {what}", ex);
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
